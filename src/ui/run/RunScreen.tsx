import { Box, Text } from 'ink';
import type { RunDetail } from '../backend.js';
import { useNavigation } from '../app/navigation.js';
import { useKeys } from '../app/use-keys.js';
import { FilterLine } from '../common/FilterLine.js';
import { Footer } from '../common/Footer.js';
import { ExtractionPanel } from '../ExtractionPanel.js';
import type { Intent, TextEdit } from '../keys.js';
import type { RunState } from '../run-state.js';
import { theme } from '../theme.js';
import { TrainingPanel } from '../TrainingPanel.js';
import { LayerChart } from './LayerChart.js';
import { modelConfig } from './model-config.js';
import { ResultsTable } from './ResultsTable.js';
import { groupLayers, groupMatrix } from './group-matrix.js';
import { GroupTable } from './GroupTable.js';
import { RunTitle } from './RunTitle.js';
import { runScreenModel } from './run-screen-model.js';
import type { RunView, RunViewAction } from './run-view.js';
import { addForm, cloneForm, formCommand, withError } from './steer-form.js';
import { SteerFormView } from './SteerFormView.js';
import { SteerLog } from './SteerLog.js';
import type { Steering } from './use-steering.js';

export interface RunScreenProps {
  runId: string;
  state: RunState;
  detail: RunDetail | undefined;
  steering: Steering;
  /** kept by the caller, so the table stays as it was after a model's detail is closed */
  view: RunView;
  /** the view state as of now, for keys that arrive before the next render */
  currentView: () => RunView;
  dispatch: (action: RunViewAction) => void;
  width: number;
  height: number;
  /** take the whole height (the footer at the bottom); else only what the content needs */
  fill?: boolean;
  /** another layer (help) has the keyboard */
  active: boolean;
  /** a run this process launched: q cannot leave it, Ctrl-C interrupts it */
  launched?: boolean;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A run: progress of extraction and training while it runs, the layer × head-configuration table
 * of the chosen metric (sortable by any column, the best of each layer marked), the best metric by
 * layer as a chart, and steering (stop, resume, clone, add) while it trains.
 */
export function RunScreen(props: RunScreenProps) {
  const { state, detail, steering, view, dispatch, width, height, fill = true } = props;
  const navigation = useNavigation();
  const modelOf = (v: RunView) =>
    runScreenModel({ state, detail, view: v, sent: steering.sent, notice: steering.notice, width, height });
  const model = modelOf(view);

  const steer = (intent: Intent): void => {
    const live = modelOf(props.currentView());
    const refusal = steering.refusal(live.running);
    if (refusal !== undefined) return steering.say(refusal);
    const target = live.selected;
    if (intent === 'add') {
      const layer = live.rows[live.cursorRow]?.layer;
      if (layer === undefined) return steering.say('no layers yet: wait for training to start');
      const layers = [...new Set(live.models.map((m) => m.layer))];
      const base = target ?? live.models.find((m) => m.layer === layer);
      dispatch({ type: 'openForm', form: addForm(layers, layer, base ? modelConfig(base, detail) : {}) });
    } else if (target === undefined) steering.say('no model in this cell');
    else if (intent === 'clone') {
      const form = cloneForm(target.id, `${target.layer} ${target.head}`, modelConfig(target, detail));
      dispatch({ type: 'openForm', form });
    } else if (intent === 'stop' && target.status !== 'training') {
      steering.say(`${target.id} is not training (${target.status}); r resumes it`);
    } else if (intent === 'resume' && target.status === 'training') {
      steering.say(`${target.id} is already training`);
    } else steering.send({ op: intent === 'stop' ? 'stop' : 'resume', model: target.id });
  };

  const onText = (edit: TextEdit): void => {
    const live = props.currentView();
    if (edit.kind === 'interrupt') return navigation.interrupt();
    if (live.form === undefined) return dispatch({ type: 'filter', edit });
    if (edit.kind === 'cancel') return dispatch({ type: 'closeForm' });
    if (edit.kind !== 'submit') return dispatch({ type: 'form', edit });
    const result = formCommand(live.form);
    if ('error' in result) return dispatch({ type: 'openForm', form: withError(live.form, result.error) });
    steering.send(result.command);
    dispatch({ type: 'closeForm' });
  };

  const onIntent = (intent: Intent): void => {
    const live = modelOf(props.currentView());
    switch (intent) {
      case 'open':
        if (live.selected !== undefined) navigation.openModel(live.selected.id);
        return;
      case 'quit':
        if (props.launched) steering.say('the run goes on until it ends; Ctrl-C interrupts it');
        else navigation.quit();
        return;
      case 'interrupt':
        return navigation.interrupt();
      case 'help':
        return navigation.toggleHelp();
      case 'back':
        if (props.currentView().filter.text === '') navigation.back();
        else dispatch({ type: 'intent', intent, context: live.context });
        return;
      case 'stop':
      case 'resume':
      case 'clone':
      case 'add':
        return steer(intent);
      case 'groups':
        if (!detail?.outcome?.groups?.length)
          return steering.say('this run has no data groups: train with --groups for a group × layer table');
        return dispatch({ type: 'intent', intent, context: live.context });
      default:
        dispatch({ type: 'intent', intent, context: live.context });
    }
  };

  useKeys(
    {
      intent: onIntent,
      text: onText,
      textMode: () => {
        const live = props.currentView();
        return live.form !== undefined || live.filter.editing;
      },
    },
    props.active,
  );

  const { extraction, training } = state;
  const { matrix, rows, selected, layout } = model;
  const sortedBy = view.sort.column === 'layer' && !view.sort.reversed ? 'depth' : view.sort.column;
  const groups = view.groups ? detail?.outcome?.groups : undefined;
  const layers = groups ? groupLayers(groups, detail?.job?.featureSets.map((f) => f.layer) ?? []) : [];
  return (
    <Box flexDirection="column" width={width} height={fill ? height : undefined}>
      <RunTitle runId={props.runId} state={state} width={width} warning={model.warning} />
      {extraction.status === 'pending' ? null : (
        <ExtractionPanel extraction={extraction} barWidth={model.barWidth} />
      )}
      {training.status === 'pending' ? null : (
        <TrainingPanel training={training} workers={layout.workers} barWidth={model.barWidth} />
      )}
      {groups ? (
        <>
          <Box marginTop={1} width={width}>
            <Text bold wrap="truncate">
              Groups × layers: best val {detail?.job?.extra.metric ?? 'accuracy'}
              <Text color={theme.muted}>
                {' '}
                · {groups.length} groups × {layers.length} layers · * the group&apos;s best layer · own vs
                shared head on its test records · v back
              </Text>
            </Text>
          </Box>
          <GroupTable
            rows={groupMatrix(groups, layers)}
            layers={layers}
            width={width}
            height={layout.tableRows}
            cursorRow={0}
            focused={false}
          />
        </>
      ) : (
        <>
          <Box marginTop={1} width={width} justifyContent="space-between">
            <Text bold wrap="truncate">
              {capitalized(matrix.metric.label)}
              <Text color={theme.muted}>
                {' '}
                · {rows.length} layers × {matrix.heads.length} configs · sorted by {sortedBy}
              </Text>
            </Text>
            <Text color={theme.muted}>
              {selected === undefined
                ? ''
                : `${selected.id}${selected.origin ? ` (${selected.origin})` : ''}`}
            </Text>
          </Box>
          <ResultsTable
            matrix={matrix}
            rows={rows}
            layout={model.matrixLayout}
            sort={view.sort}
            cursorRow={model.cursorRow}
            cursorColumn={model.cursorColumn}
            bestLayer={model.bestLayer}
            height={layout.tableRows}
            focused={view.form === undefined}
          />
        </>
      )}
      {view.form !== undefined ? (
        <SteerFormView form={view.form} />
      ) : (
        <SteerLog sent={steering.sent} controls={training.controls} notice={steering.notice} />
      )}
      {layout.chart && view.form === undefined ? (
        <LayerChart summary={model.summary} width={width} metric="val accuracy" />
      ) : null}
      {fill ? <Box flexGrow={1} /> : null}
      <FilterLine filter={view.filter} />
      <Footer
        width={width}
        hints={footerHints(
          model.running && steering.available,
          props.launched ?? false,
          (detail?.outcome?.groups?.length ?? 0) > 0,
        )}
      />
    </Box>
  );
}

function footerHints(steerable: boolean, launched: boolean, grouped: boolean): string {
  const steer = steerable ? ' · x stop · r resume · c clone · a add' : '';
  const groups = grouped ? ' · v groups' : '';
  const leave = launched ? 'Ctrl-C interrupt' : 'Esc back · q quit';
  return `↑↓←→ move · Enter model · s sort · m metric${groups}${steer} · / filter · ${leave}`;
}
