/**
 * Per-layer best validation accuracy: the question layerlab answers. Live rows come from the models'
 * metrics so far; once the result document arrives it is the authority.
 */
import type { TrainingResult } from '../core/result.js';
import { formatHead } from './format.js';
import type { ModelState, RunState } from './run-state.js';

export interface LayerRow {
  layer: string;
  /** best validation accuracy of any head on this layer; undefined before its first epoch */
  value: number | undefined;
  /** label of the head that reached it */
  head: string | undefined;
}

export interface LayerSummary {
  rows: LayerRow[];
  /** index of the best row, or -1 while no layer has a metric */
  bestIndex: number;
}

/** One row per layer, in the order the run lists its models; ties keep the first head. */
export function layerRowsFromModels(models: readonly ModelState[]): LayerRow[] {
  const rows = new Map<string, LayerRow>();
  for (const model of models) {
    const row = rows.get(model.layer) ?? { layer: model.layer, value: undefined, head: undefined };
    const value = model.bestValAccuracy;
    if (value !== undefined && (row.value === undefined || value > row.value)) {
      row.value = value;
      row.head = model.head;
    }
    rows.set(model.layer, row);
  }
  return [...rows.values()];
}

export function layerRowsFromResult(result: TrainingResult): LayerRow[] {
  return result.layers.map((l) => ({ layer: l.layer, value: l.best.value, head: formatHead(l.best.head) }));
}

/** Index of the highest value; ties keep the first, rows without a value never win. */
export function bestRowIndex(rows: readonly LayerRow[]): number {
  let best = -1;
  rows.forEach((row, i) => {
    const current = rows[best]?.value;
    if (row.value !== undefined && (current === undefined || row.value > current)) best = i;
  });
  return best;
}

/** The row of the result's own best layer: the trainer breaks ties by its rule, so show its choice. */
export function resultBestIndex(result: TrainingResult): number {
  const chosen = result.layers.findIndex((l) => l.layer === result.best.layer);
  return chosen >= 0 ? chosen : bestRowIndex(layerRowsFromResult(result));
}

export function summarizeLayers(state: RunState): LayerSummary {
  const { result } = state;
  if (result !== undefined) return { rows: layerRowsFromResult(result), bestIndex: resultBestIndex(result) };
  const rows = layerRowsFromModels(state.training.models);
  return { rows, bestIndex: bestRowIndex(rows) };
}
