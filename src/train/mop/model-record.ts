import type { RankingMetric } from '../../core/result.js';
import type { ResolvedHead } from '../heads/head-config.js';

/**
 * `active` models train in the next epoch; `stopped` ones were paused by a person (control `stop`);
 * `halted` ones were not promoted by successive halving. Neither of the last two trains until resumed.
 */
export type ModelStatus = 'active' | 'stopped' | 'halted';

/** Validation metrics after one epoch of a model, with its step-weighted train metrics. */
export interface EpochRecord {
  /** the run's epoch (1-based) */
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
  valMacroF1: number;
}

export type ModelOrigin =
  { kind: 'search' } | { kind: 'clone'; from: string; epoch: number } | { kind: 'add'; epoch: number };

/** One model of a run, as the epoch snapshot records it. */
export interface ModelRecord {
  index: number;
  id: string;
  featureSet: string;
  layer: string;
  head: ResolvedHead;
  status: ModelStatus;
  /** run epochs completed before this model joined (its own schedule starts after them) */
  startEpoch: number;
  origin: ModelOrigin;
  history: EpochRecord[];
}

export const metricOf = (record: EpochRecord, metric: RankingMetric): number =>
  metric === 'macro_f1' ? record.valMacroF1 : record.valAccuracy;

/**
 * Orders models best first by their latest validation metric, then lower validation loss, then
 * creation order. Models with no epoch yet come last.
 */
export function compareModels(a: ModelRecord, b: ModelRecord, metric: RankingMetric): number {
  const la = a.history.at(-1);
  const lb = b.history.at(-1);
  if (!la || !lb) return (la ? 0 : 1) - (lb ? 0 : 1) || a.index - b.index;
  return metricOf(lb, metric) - metricOf(la, metric) || la.valLoss - lb.valLoss || a.index - b.index;
}
