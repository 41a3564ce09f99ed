/**
 * The run table: one row per layer, one column per head configuration, each cell a model's value of
 * the chosen metric, plus the layer's best. Built from the live models (or, once the run is over,
 * the trainer's results, which add test accuracy). Pure.
 */
import type { OutcomeModel } from '../backend.js';
import type { ModelState, ModelStatus } from '../run-state.js';

export type MetricId =
  'valAccuracy' | 'bestValAccuracy' | 'valMacroF1' | 'valLoss' | 'trainLoss' | 'testAccuracy';

export interface MetricSpec {
  id: MetricId;
  /** as the table's title shows it */
  label: string;
  higherIsBetter: boolean;
  kind: 'fraction' | 'loss';
}

export const metrics: Record<MetricId, MetricSpec> = {
  valAccuracy: { id: 'valAccuracy', label: 'val accuracy', higherIsBetter: true, kind: 'fraction' },
  bestValAccuracy: {
    id: 'bestValAccuracy',
    label: 'best val accuracy (any epoch)',
    higherIsBetter: true,
    kind: 'fraction',
  },
  valMacroF1: { id: 'valMacroF1', label: 'val macro-F1', higherIsBetter: true, kind: 'fraction' },
  valLoss: { id: 'valLoss', label: 'val loss', higherIsBetter: false, kind: 'loss' },
  trainLoss: { id: 'trainLoss', label: 'train loss', higherIsBetter: false, kind: 'loss' },
  testAccuracy: { id: 'testAccuracy', label: 'test accuracy', higherIsBetter: true, kind: 'fraction' },
};

/** A model as the table sees it: live state, completed by the final results when there are some. */
export interface MatrixModel {
  id: string;
  layer: string;
  head: string;
  status: ModelStatus;
  origin?: string;
  state: ModelState;
  outcome?: OutcomeModel;
}

export function matrixModels(
  models: readonly ModelState[],
  outcome?: readonly OutcomeModel[],
): MatrixModel[] {
  const final = new Map((outcome ?? []).map((m) => [m.id, m]));
  const seen = new Set(models.map((m) => m.id));
  const live = models.map((state) => ({
    id: state.id,
    layer: state.layer,
    head: state.head,
    status: state.status,
    origin: state.origin,
    state,
    outcome: final.get(state.id),
  }));
  // A run whose event log is gone still has its results file.
  const onlyFinal = (outcome ?? [])
    .filter((m) => !seen.has(m.id))
    .map((m) => ({
      id: m.id,
      layer: m.layer,
      head: m.label,
      status: 'training' as const,
      state: { id: m.id, layer: m.layer, head: m.label, history: [], status: 'training' as const },
      outcome: m,
    }));
  return [...live, ...onlyFinal];
}

/** The metrics this run has values for, the run's ranking metric first. */
export function availableMetrics(
  models: readonly MatrixModel[],
  ranking: 'accuracy' | 'macro_f1',
): MetricId[] {
  const hasF1 = models.some(
    (m) =>
      m.state.history.some((p) => p.valMacroF1 !== undefined) || m.state.latest?.valMacroF1 !== undefined,
  );
  const hasTest = models.some(
    (m) => m.outcome?.testAccuracy !== undefined && m.outcome.testAccuracy !== null,
  );
  const ids: MetricId[] = ranking === 'macro_f1' && hasF1 ? ['valMacroF1', 'valAccuracy'] : ['valAccuracy'];
  if (hasF1 && !ids.includes('valMacroF1')) ids.push('valMacroF1');
  ids.push('bestValAccuracy', 'valLoss', 'trainLoss');
  if (hasTest) ids.push('testAccuracy');
  return ids;
}

/** A model's value of a metric: its latest epoch's, or the final results' when the run is over. */
export function metricValue(model: MatrixModel, metric: MetricId): number | undefined {
  const last = model.state.history.at(-1);
  const outcome = model.outcome;
  const finite = (v: number | null | undefined) =>
    v === null || v === undefined || !Number.isFinite(v) ? undefined : v;
  switch (metric) {
    case 'valAccuracy':
      return finite(last?.valAccuracy ?? outcome?.finalValAccuracy);
    case 'bestValAccuracy': {
      const values =
        model.state.history.length > 0
          ? model.state.history.map((p) => p.valAccuracy)
          : (outcome?.valAccuracy ?? []);
      return values.length > 0 ? finite(Math.max(...values)) : undefined;
    }
    case 'valMacroF1':
      return finite(last?.valMacroF1);
    case 'valLoss':
      return finite(last?.valLoss ?? outcome?.valLoss.at(-1));
    case 'trainLoss':
      return finite(last?.trainLoss ?? outcome?.trainLoss.at(-1));
    case 'testAccuracy':
      return finite(outcome?.testAccuracy);
  }
}

export interface MatrixCell {
  model: MatrixModel;
  value: number | undefined;
}

export interface MatrixRow {
  layer: string;
  /** position of the layer in the run (depth order) */
  order: number;
  /** one per head column; undefined where that config does not run on this layer */
  cells: (MatrixCell | undefined)[];
  /** the row's best cell by the metric */
  best: MatrixCell | undefined;
}

export interface Matrix {
  metric: MetricSpec;
  heads: string[];
  rows: MatrixRow[];
}

/** True when `a` is a better value than `b` for this metric. */
export function better(metric: MetricSpec, a: number, b: number): boolean {
  return metric.higherIsBetter ? a > b : a < b;
}

export function buildMatrix(models: readonly MatrixModel[], metricId: MetricId): Matrix {
  const metric = metrics[metricId];
  const heads: string[] = [];
  const layers: string[] = [];
  for (const model of models) {
    if (!heads.includes(model.head)) heads.push(model.head);
    if (!layers.includes(model.layer)) layers.push(model.layer);
  }
  const rows = layers.map((layer, order): MatrixRow => {
    const cells = heads.map((head) => {
      const model = models.find((m) => m.layer === layer && m.head === head);
      return model === undefined ? undefined : { model, value: metricValue(model, metricId) };
    });
    let best: MatrixCell | undefined;
    for (const cell of cells) {
      if (cell?.value === undefined) continue;
      if (best?.value === undefined || better(metric, cell.value, best.value)) best = cell;
    }
    return { layer, order, cells, best };
  });
  return { metric, heads, rows };
}

/** The table's columns: `layer`, `best`, then one per head configuration. */
export const FIRST_HEAD_COLUMN = 2;

export interface MatrixSort {
  /** `layer`, `best`, or a head label */
  column: string;
  reversed: boolean;
}

export const depthOrder: MatrixSort = { column: 'layer', reversed: false };

/**
 * Rows sorted by a column: layers by depth, values best first (so `reversed` means worst first);
 * rows without a value in the column go last either way.
 */
export function sortMatrixRows(matrix: Matrix, sort: MatrixSort): MatrixRow[] {
  const { metric } = matrix;
  const headIndex = matrix.heads.indexOf(sort.column);
  const valueOf = (row: MatrixRow): number | undefined =>
    sort.column === 'best' ? row.best?.value : headIndex >= 0 ? row.cells[headIndex]?.value : undefined;
  return [...matrix.rows].sort((a, b) => {
    if (sort.column === 'layer' || (sort.column !== 'best' && headIndex < 0)) {
      return (a.order - b.order) * (sort.reversed ? -1 : 1);
    }
    const va = valueOf(a);
    const vb = valueOf(b);
    if (va === undefined || vb === undefined)
      return va === vb ? a.order - b.order : va === undefined ? 1 : -1;
    const bestFirst = metric.higherIsBetter ? vb - va : va - vb;
    return (bestFirst || a.order - b.order) * (sort.reversed ? -1 : 1);
  });
}

/**
 * Narrows the table to layers and head configurations whose names contain the filter text. A text
 * that names no layer keeps every layer (and likewise for heads), so `lr=0.1` keeps every layer
 * with only the lr=0.1 columns, and `block2` keeps every column of the block2 rows.
 */
export function filterMatrix(matrix: Matrix, filter: string): Matrix {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return matrix;
  const layerHits = matrix.rows.filter((r) => r.layer.toLowerCase().includes(needle));
  const headHits = matrix.heads.map((h, i) => ({ h, i })).filter(({ h }) => h.toLowerCase().includes(needle));
  if (layerHits.length === 0 && headHits.length === 0) return { ...matrix, heads: [], rows: [] };
  const rows = layerHits.length > 0 ? layerHits : matrix.rows;
  if (headHits.length === 0) return { ...matrix, rows };
  const keep = headHits.map(({ i }) => i);
  return {
    ...matrix,
    heads: headHits.map(({ h }) => h),
    rows: rows.map((row) => {
      const cells = keep.map((i) => row.cells[i]);
      const best = cells.reduce<MatrixCell | undefined>((b, cell) => {
        if (cell?.value === undefined) return b;
        return b?.value === undefined || better(matrix.metric, cell.value, b.value) ? cell : b;
      }, undefined);
      return { ...row, cells, best };
    }),
  };
}

/** The model a table position stands for: the cell's, or the row's best in the layer and best columns. */
export function modelAt(row: MatrixRow | undefined, column: number): MatrixModel | undefined {
  if (row === undefined) return undefined;
  if (column < FIRST_HEAD_COLUMN) return row.best?.model ?? row.cells.find((c) => c !== undefined)?.model;
  return row.cells[column - FIRST_HEAD_COLUMN]?.model;
}
