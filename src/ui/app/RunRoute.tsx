import { useSyncExternalStore } from 'react';
import type { RunFiles } from '../backend.js';
import { ModelScreen } from '../model/ModelScreen.js';
import { RunScreen } from '../run/RunScreen.js';
import { initialRunView, reduceRunView } from '../run/run-view.js';
import { useSteering } from '../run/use-steering.js';
import { isOver } from '../run-state.js';
import type { RunStateStore } from '../run-state-store.js';
import { useLiveReducer } from './use-live-reducer.js';
import { usePolled } from './use-polled.js';

/** How often a running run's files (results, visits, checkpoints) are read again. */
const DETAIL_POLL_MS = 2000;

export interface RunRouteProps {
  /** the run's id; empty until a launched run's train.start names it */
  runId: string;
  state: RunStateStore;
  /** absent where the run folder is unknown (a launched run not told its home) */
  files?: RunFiles;
  model?: string;
  width: number;
  height: number;
  active: boolean;
  launched?: boolean;
  fill?: boolean;
}

/**
 * A run and its models: one place that follows the run's state, reads its files and keeps the
 * table's view, so opening a model and coming back leaves everything as it was.
 */
export function RunRoute(props: RunRouteProps) {
  const { runId, files } = props;
  const state = useSyncExternalStore(props.state.subscribe, props.state.getState);
  const over = isOver(state.phase);
  const detail = usePolled(
    () => (files === undefined || runId === '' ? undefined : files.detail(runId)),
    over ? 0 : DETAIL_POLL_MS,
    `${runId}:${over}`,
  );
  const [view, dispatch, currentView] = useLiveReducer(reduceRunView, () => initialRunView);
  const steering = useSteering(runId === '' ? undefined : runId, files, state.training.controls);
  if (props.model !== undefined) {
    return (
      <ModelScreen
        modelId={props.model}
        state={state}
        detail={detail.value}
        width={props.width}
        height={props.height}
        active={props.active}
      />
    );
  }
  return (
    <RunScreen
      runId={runId}
      state={state}
      detail={detail.value}
      steering={steering}
      view={view}
      currentView={currentView}
      dispatch={dispatch}
      width={props.width}
      height={props.height}
      active={props.active}
      launched={props.launched}
      fill={props.fill}
    />
  );
}
