import type { HeadSummary } from '../core/result.js';
import type { HeadConfig } from './head-config.js';

/**
 * A training job, resolved and structured-clone safe: every (feature set, head) pair is a model.
 * @example
 * { storeDir, featureSets: [{ key, layer: 'block2/relu' }], epochs: 5, workers: 2, seed: 1,
 *   heads: [{ type: 'linear', lr: 0.1, l2: 1e-4, batchSize: 64, momentum: 0.9, optimizer: 'sgd' }] }
 */
export interface TrainJob {
  storeDir: string;
  featureSets: { key: string; layer: string }[];
  heads: HeadConfig[];
  epochs: number;
  /** one shard and one worker thread each */
  workers: number;
  seed: number;
}

export interface ModelResult {
  id: string;
  layer: string;
  featureSet: string;
  /** the fused group that trained it */
  group: number;
  /** short label, e.g. `lr=0.1 l2=1e-4` */
  label: string;
  head: HeadSummary;
  /** per epoch: step-weighted mean train loss, validation loss and accuracy */
  trainLoss: number[];
  valLoss: number[];
  valAccuracy: number[];
  finalValAccuracy: number;
  /** null when the store has no test records */
  testAccuracy: number | null;
}

export interface GroupSummary {
  id: number;
  layer: string;
  featureSet: string;
  batchSize: number;
  models: string[];
}

export interface TrainOutcome {
  run: string;
  runDir: string;
  seconds: number;
  classes: number;
  models: ModelResult[];
  /** the model with the best final validation accuracy (ties: lower validation loss, then model order) */
  best: {
    id: string;
    layer: string;
    head: HeadSummary;
    valAccuracy: number;
    testAccuracy: number | null;
    /** rows = true class, columns = predicted; on the test split, or validation when there is none */
    confusion: number[][];
    confusionSplit: 'test' | 'val';
  };
  groups: GroupSummary[];
  /** visits[epoch][group] = the shards the group visited that epoch, in order */
  visits: number[][][];
}
