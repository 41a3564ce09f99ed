/**
 * Everything the run screen shows for a given view state, derived in one pure step: key handlers
 * derive it from the live view state, rendering from the latest one, so both always agree.
 */
import type { RunDetail } from '../backend.js';
import { indexOfKey } from '../common/cursor.js';
import { summarizeLayers, type LayerSummary } from '../layer-summary.js';
import { extractionDetails, progressLines, trainingDetails, trainingHeadline } from '../progress-text.js';
import { isOver, type RunState } from '../run-state.js';
import { WORKER_CELL_WIDTH } from '../WorkerActivity.js';
import { hostsLine } from '../host-summary.js';
import { matrixLayout, type MatrixLayout } from './matrix-layout.js';
import {
  availableMetrics,
  buildMatrix,
  filterMatrix,
  matrixModels,
  modelAt,
  sortMatrixRows,
  type Matrix,
  type MatrixModel,
  type MatrixRow,
  type MetricId,
} from './results-matrix.js';
import { runLayout, workerLines, type RunLayout } from './run-layout.js';
import type { RunView, RunViewContext } from './run-view.js';
import { steerFormLines } from './SteerFormView.js';
import { steerLogLines } from './SteerLog.js';
import type { SentCommand } from './steering.js';

/** Wide terminals get the long progress bars. */
const WIDE = 110;
/** The panels' label column, where worker cells start. */
const LABEL_WIDTH = 10;

export interface RunScreenModel {
  models: MatrixModel[];
  metricIds: MetricId[];
  matrix: Matrix;
  rows: MatrixRow[];
  cursorRow: number;
  cursorColumn: number;
  selected: MatrixModel | undefined;
  summary: LayerSummary;
  bestLayer: string | undefined;
  running: boolean;
  /** the run's latest warning (a worker's stderr, an unreadable log), shown under the title */
  warning: string | undefined;
  barWidth: number;
  matrixLayout: MatrixLayout;
  layout: RunLayout;
  context: RunViewContext;
}

export interface RunScreenInput {
  state: RunState;
  detail: RunDetail | undefined;
  view: RunView;
  sent: readonly SentCommand[];
  notice: string | undefined;
  width: number;
  height: number;
}

export function runScreenModel({
  state,
  detail,
  view,
  sent,
  notice,
  width,
  height,
}: RunScreenInput): RunScreenModel {
  const models = matrixModels(state.training.models, detail?.outcome?.models);
  const metricIds = availableMetrics(models, state.result?.metric ?? 'accuracy');
  const metricId = view.metric !== undefined && metricIds.includes(view.metric) ? view.metric : metricIds[0]!;
  const matrix = filterMatrix(buildMatrix(models, metricId), view.filter.text);
  const rows = sortMatrixRows(matrix, view.sort);
  const layers = rows.map((r) => r.layer);
  const columns = ['layer', 'best', ...matrix.heads];
  const cursorRow = indexOfKey(layers, view.layer);
  const cursorColumn = Math.min(view.column, columns.length - 1);
  const summary = summarizeLayers(state);
  const barWidth = width >= WIDE ? 24 : 12;
  const warning = state.log.findLast((line) => line.level === 'warn')?.text;
  const { extraction, training } = state;
  const progress =
    (extraction.status === 'running' ? progressLines(barWidth, extractionDetails(extraction), width) : 0) +
    (extraction.status === 'done' ? 1 : 0) +
    (training.status === 'running'
      ? progressLines(barWidth, `${trainingHeadline(training)} · ${trainingDetails(training)}`, width)
      : training.status === 'done'
        ? 1
        : 0) +
    (state.phase === 'failed' || state.phase === 'interrupted' ? 1 : 0) +
    (warning === undefined ? 0 : 1);
  const layoutOfMatrix = matrixLayout(layers, matrix.heads, width, cursorColumn);
  const layout = runLayout({
    height,
    layers: rows.length,
    tableHeaderLines: layoutOfMatrix.headerHeight,
    progressLines: progress,
    workerLines:
      training.status === 'running'
        ? workerLines(training.workers, width - LABEL_WIDTH, WORKER_CELL_WIDTH) +
          (hostsLine(training.activity) === undefined ? 0 : 1)
        : 0,
    steerLines: view.form !== undefined ? steerFormLines(view.form) : steerLogLines(sent, notice),
    filterLine: view.filter.editing || view.filter.text !== '',
  });
  return {
    models,
    metricIds,
    matrix,
    rows,
    cursorRow,
    cursorColumn,
    selected: modelAt(rows[cursorRow], cursorColumn),
    summary,
    bestLayer: summary.rows[summary.bestIndex]?.layer,
    running: !isOver(state.phase),
    warning,
    barWidth,
    matrixLayout: layoutOfMatrix,
    layout,
    context: { layers, columns, metrics: metricIds, page: layout.tableRows },
  };
}
