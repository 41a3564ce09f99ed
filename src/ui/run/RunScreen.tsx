import { Box, Text } from 'ink';
import type { Dispatch } from 'react';
import type { RunDetail } from '../backend.js';
import { useNavigation } from '../app/navigation.js';
import { useKeys } from '../app/use-keys.js';
import { indexOfKey } from '../common/cursor.js';
import { FilterLine } from '../common/FilterLine.js';
import { Footer } from '../common/Footer.js';
import { ExtractionPanel } from '../ExtractionPanel.js';
import type { Intent } from '../keys.js';
import { summarizeLayers } from '../layer-summary.js';
import { extractionDetails, progressLines, trainingDetails, trainingHeadline } from '../progress-text.js';
import { isOver, type RunState } from '../run-state.js';
import { TrainingPanel } from '../TrainingPanel.js';
import { WORKER_CELL_WIDTH } from '../WorkerActivity.js';
import { theme } from '../theme.js';
import { LayerChart } from './LayerChart.js';
import { matrixLayout } from './matrix-layout.js';
import { modelConfig } from './model-config.js';
import { ResultsTable } from './ResultsTable.js';
import {
  availableMetrics,
  buildMatrix,
  filterMatrix,
  matrixModels,
  modelAt,
  sortMatrixRows,
  type MatrixModel,
} from './results-matrix.js';
import { RunTitle } from './RunTitle.js';
import { runLayout, workerLines } from './run-layout.js';
import type { RunView, RunViewAction } from './run-view.js';
import { addForm, cloneForm, formCommand, withError } from './steer-form.js';
import { steerFormLines, SteerFormView } from './SteerFormView.js';
import { SteerLog, steerLogLines } from './SteerLog.js';
import type { Steering } from './use-steering.js';

export interface RunScreenProps {
  runId: string;
  state: RunState;
  detail: RunDetail | undefined;
  steering: Steering;
  /** kept by the caller, so the table stays as it was after a model's detail is closed */
  view: RunView;
  dispatch: Dispatch<RunViewAction>;
  width: number;
  height: number;
  /** take the whole height (the footer at the bottom); else only what the content needs */
  fill?: boolean;
  /** another layer (help) has the keyboard */
  active: boolean;
  /** a run this process launched: q cannot leave it, Ctrl-C interrupts it */
  launched?: boolean;
}

const WIDE = 110;

/**
 * A run: progress of extraction and training while it runs, the layer × head-configuration table
 * of the chosen metric (sortable by any column, the best of each layer marked), the best metric by
 * layer as a chart, and steering (stop, resume, clone, add) while it trains.
 */
export function RunScreen(props: RunScreenProps) {
  const { state, detail, steering, view, dispatch, width, height, fill = true } = props;
  const navigation = useNavigation();

  const models = matrixModels(state.training.models, detail?.outcome?.models);
  const metricIds = availableMetrics(models, state.result?.metric ?? 'accuracy');
  const metricId = view.metric !== undefined && metricIds.includes(view.metric) ? view.metric : metricIds[0]!;
  const matrix = filterMatrix(buildMatrix(models, metricId), view.filter.text);
  const rows = sortMatrixRows(matrix, view.sort);
  const layers = rows.map((r) => r.layer);
  const columns = ['layer', 'best', ...matrix.heads];
  const cursorRow = indexOfKey(layers, view.layer);
  const cursorColumn = Math.min(view.column, columns.length - 1);
  const selected = modelAt(rows[cursorRow], cursorColumn);
  const summary = summarizeLayers(state);
  const bestLayer = summary.rows[summary.bestIndex]?.layer;
  const running = !isOver(state.phase);

  const barWidth = width >= WIDE ? 24 : 12;
  const { extraction, training } = state;
  const progress =
    (extraction.status === 'running' ? progressLines(barWidth, extractionDetails(extraction), width) : 0) +
    (extraction.status === 'done' ? 1 : 0) +
    (training.status === 'running'
      ? progressLines(barWidth, `${trainingHeadline(training)} · ${trainingDetails(training)}`, width)
      : training.status === 'done'
        ? 1
        : 0);
  const layoutMatrix = matrixLayout(layers, matrix.heads, width, cursorColumn);
  const layout = runLayout({
    height,
    layers: rows.length,
    tableHeaderLines: layoutMatrix.headerHeight,
    progressLines: progress + (state.phase === 'failed' || state.phase === 'interrupted' ? 1 : 0),
    workerLines:
      training.status === 'running' ? workerLines(training.workers, width - 10, WORKER_CELL_WIDTH) : 0,
    steerLines:
      view.form !== undefined ? steerFormLines(view.form) : steerLogLines(steering.sent, steering.notice),
    filterLine: view.filter.editing || view.filter.text !== '',
  });

  const steer = (intent: Intent, model: MatrixModel | undefined) => {
    const refusal = steering.refusal(running);
    if (refusal !== undefined) return steering.say(refusal);
    if (intent === 'add') {
      const layer = rows[cursorRow]?.layer ?? layers[0];
      const runLayers = [...new Set(models.map((m) => m.layer))];
      if (layer === undefined) return steering.say('no layers yet: wait for training to start');
      const base = model ?? models.find((m) => m.layer === layer);
      dispatch({ type: 'openForm', form: addForm(runLayers, layer, base ? modelConfig(base, detail) : {}) });
      return;
    }
    if (model === undefined) return steering.say('no model in this cell');
    if (intent === 'clone') {
      const form = cloneForm(model.id, `${model.layer} ${model.head}`, modelConfig(model, detail));
      dispatch({ type: 'openForm', form });
    } else if (intent === 'stop' && model.status !== 'training') {
      steering.say(`${model.id} is not training (${model.status}); r resumes it`);
    } else if (intent === 'resume' && model.status === 'training') {
      steering.say(`${model.id} is already training`);
    } else {
      steering.send({ op: intent === 'stop' ? 'stop' : 'resume', model: model.id });
    }
  };

  useKeys(
    {
      text:
        view.form !== undefined
          ? (edit) => {
              if (edit.kind === 'cancel') dispatch({ type: 'closeForm' });
              else if (edit.kind === 'interrupt') navigation.interrupt();
              else if (edit.kind === 'submit' && view.form !== undefined) {
                const result = formCommand(view.form);
                if ('error' in result)
                  dispatch({ type: 'openForm', form: withError(view.form, result.error) });
                else {
                  steering.send(result.command);
                  dispatch({ type: 'closeForm' });
                }
              } else dispatch({ type: 'form', edit });
            }
          : view.filter.editing
            ? (edit) =>
                edit.kind === 'interrupt' ? navigation.interrupt() : dispatch({ type: 'filter', edit })
            : undefined,
      intent: (intent) => {
        switch (intent) {
          case 'open':
            if (selected !== undefined) navigation.openModel(selected.id);
            return;
          case 'quit':
            return props.launched
              ? steering.say('the run goes on until it ends; Ctrl-C interrupts it')
              : navigation.quit();
          case 'interrupt':
            return navigation.interrupt();
          case 'help':
            return navigation.toggleHelp();
          case 'back':
            if (view.filter.text === '') navigation.back();
            else
              dispatch({
                type: 'intent',
                intent,
                context: { layers, columns, metrics: metricIds, page: layout.tableRows },
              });
            return;
          case 'stop':
          case 'resume':
          case 'clone':
          case 'add':
            return steer(intent, selected);
          default:
            dispatch({
              type: 'intent',
              intent,
              context: { layers, columns, metrics: metricIds, page: layout.tableRows },
            });
        }
      },
    },
    props.active,
  );

  const sortedBy = view.sort.column === 'layer' && !view.sort.reversed ? 'depth' : view.sort.column;
  return (
    <Box flexDirection="column" width={width} height={fill ? height : undefined}>
      <RunTitle runId={props.runId} state={state} width={width} />
      {extraction.status === 'pending' ? null : (
        <ExtractionPanel extraction={extraction} barWidth={barWidth} />
      )}
      {training.status === 'pending' ? null : (
        <TrainingPanel training={training} workers={layout.workers} barWidth={barWidth} />
      )}
      <Box marginTop={1} width={width} justifyContent="space-between">
        <Text bold wrap="truncate">
          {matrix.metric.label[0]!.toUpperCase() + matrix.metric.label.slice(1)}
          <Text color={theme.muted}>
            {' '}
            · {rows.length} layers × {matrix.heads.length} configs · sorted by {sortedBy}
          </Text>
        </Text>
        <Text color={theme.muted}>
          {selected === undefined ? '' : `${selected.id}${selected.origin ? ` (${selected.origin})` : ''}`}
        </Text>
      </Box>
      <ResultsTable
        matrix={matrix}
        rows={rows}
        layout={layoutMatrix}
        sort={view.sort}
        cursorRow={cursorRow}
        cursorColumn={cursorColumn}
        bestLayer={bestLayer}
        height={layout.tableRows}
        focused={view.form === undefined}
      />
      {view.form !== undefined ? (
        <SteerFormView form={view.form} />
      ) : (
        <SteerLog sent={steering.sent} controls={training.controls} notice={steering.notice} />
      )}
      {layout.chart && view.form === undefined ? (
        <LayerChart summary={summary} width={width} metric="val accuracy" />
      ) : null}
      {fill ? <Box flexGrow={1} /> : null}
      <FilterLine filter={view.filter} />
      <Footer width={width} hints={footerHints(running && steering.available, props.launched ?? false)} />
    </Box>
  );
}

function footerHints(steerable: boolean, launched: boolean): string {
  const steer = steerable ? ' · x stop · r resume · c clone · a add' : '';
  const leave = launched ? 'Ctrl-C interrupt' : 'Esc back · q quit';
  return `↑↓←→ move · Enter model · s sort · m metric${steer} · / filter · ${leave}`;
}
