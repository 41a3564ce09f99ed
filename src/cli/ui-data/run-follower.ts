/**
 * Follows a run started anywhere on this machine by tailing its event log (`layerlab ui RUN`). It
 * only reads the run folder, so the run never notices it is being watched.
 */
import { RunStore } from '../../store/run-store.js';
import type { RunFollower } from '../../ui/backend.js';
import { initialRunState } from '../../ui/run-state.js';
import { createRunStateStore } from '../../ui/run-state-store.js';
import { processRssMb } from './process-rss.js';
import { endAction, toAction } from './run-events.js';

export interface FollowOptions {
  /** how often the log is read again @default 250 */
  intervalMs?: number;
}

export function followRun(dir: string, options: FollowOptions = {}): RunFollower {
  const run = RunStore.open(dir);
  const first = run.meta();
  const store = createRunStateStore(
    initialRunState({ title: `layerlab ${first.command}`, model: first.model, dataset: first.data }),
  );
  let offset = 0;
  let finished = false;

  const tick = (): void => {
    const { events, next } = run.readEvents(offset);
    offset = next;
    for (const line of events) {
      const action = toAction(line);
      if (action === undefined) continue;
      store.dispatch(action);
      if (action.type === 'result') finished = true;
    }
    if (finished) return;
    let meta;
    try {
      meta = run.meta();
    } catch {
      return; // being rewritten; next tick
    }
    const end = endAction(meta);
    if (end !== undefined) {
      store.dispatch(end);
      finished = true;
    } else if (meta.status === 'done') {
      finished = true;
    } else {
      const rss = processRssMb(meta.pid, meta.host);
      if (rss !== undefined) store.dispatch({ type: 'sample', rssMb: rss });
    }
  };

  let warned = false;
  /** A log that cannot be read now (removed, unreadable line) is said once and tried again later. */
  const safeTick = (): void => {
    try {
      tick();
    } catch (error) {
      if (warned) return;
      warned = true;
      const message = error instanceof Error ? error.message : String(error);
      store.dispatch({ type: 'log', level: 'warn', message: `cannot read the run's log: ${message}` });
    }
  };

  safeTick();
  store.flush();
  const timer = setInterval(() => {
    safeTick();
    if (finished) {
      clearInterval(timer);
      store.flush();
    }
  }, options.intervalMs ?? 250);
  return {
    state: store,
    close: () => clearInterval(timer),
  };
}
