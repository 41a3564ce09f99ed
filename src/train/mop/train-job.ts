import type { HeadSummary, RankingMetric } from '../../core/result.js';
import type { HeadConfig } from '../heads/head-config.js';
import type { ModelStatus } from './model-record.js';
import type { GroupResults } from '../run-folder/group-results.js';

/**
 * A training job, resolved and structured-clone safe. The models are `models` when given (e.g. drawn
 * by random search), else every feature set × every head (a grid).
 * @example
 * { storeDir, featureSets: [{ key, layer: 'block2/relu' }], epochs: 5, workers: 2, seed: 1,
 *   heads: [{ type: 'linear', lr: 0.1, l2: 1e-4, batchSize: 64, momentum: 0.9, optimizer: 'sgd' }] }
 */
export interface TrainJob {
  storeDir: string;
  /** the feature sets this run reads (models, and configurations added while it runs, use them) */
  featureSets: { key: string; layer: string }[];
  heads: HeadConfig[];
  models?: { featureSet: string; head: HeadConfig }[];
  epochs: number;
  /** one shard and one worker thread each */
  workers: number;
  seed: number;
  /** the validation metric models are ranked (and halved) by @default 'accuracy' */
  metric?: RankingMetric;
  /** successive halving's reduction factor η (keep the top 1/η per rung); off when absent */
  halving?: number;
  /** memory budget of one fused group's training step, in bytes @default DEFAULT_MAX_GROUP_BYTES */
  maxGroupBytes?: number;
  /**
   * grouped learning: also train every model once per data group of the store (one scan per batch
   * for all groups), beside the shared models
   */
  groups?: boolean;
  /** grouped learning: groups with fewer train records are skipped @default DEFAULT_MIN_GROUP_RECORDS */
  minGroupRecords?: number;
}

export interface ModelResult {
  id: string;
  layer: string;
  featureSet: string;
  /** short label, e.g. `lr=0.1 l2=1e-4` */
  label: string;
  head: HeadSummary;
  status: ModelStatus;
  /** per epoch the model trained: step-weighted mean train loss, validation loss, accuracy, macro-F1 */
  trainLoss: number[];
  valLoss: number[];
  valAccuracy: number[];
  valMacroF1: number[];
  finalValAccuracy: number;
  finalValMacroF1: number;
  /** the run's ranking metric on validation, last epoch */
  finalValue: number;
  /** null when the store has no test records */
  testAccuracy: number | null;
  testMacroF1: number | null;
  testLoss: number | null;
  /** the ranking metric on test */
  testValue: number | null;
  /** final weights' per-class counts, rows = true class, columns = predicted (test, else validation) */
  confusion: number[][];
}

/** One group of one epoch as visits.json records it: enough to replay the run sequentially. */
export interface GroupVisits {
  id: number;
  featureSet: string;
  layer: string;
  batchSize: number;
  models: string[];
  /** the shards it visited, in order */
  shards: number[];
}

export interface EpochVisits {
  epoch: number;
  groups: GroupVisits[];
}

export interface TrainOutcome {
  run: string;
  runDir: string;
  seconds: number;
  classes: number;
  metric: RankingMetric;
  models: ModelResult[];
  /** the model with the best final validation metric (ties: lower validation loss, then model order) */
  best: {
    id: string;
    layer: string;
    head: HeadSummary;
    value: number;
    valAccuracy: number;
    testAccuracy: number | null;
    testValue: number | null;
    /** rows = true class, columns = predicted; on the test split, or validation when there is none */
    confusion: number[][];
    confusionSplit: 'test' | 'val';
  };
  visits: EpochVisits[];
  /** grouped learning (`groups: true`): per data group its best model and the shared head's metric */
  groups?: GroupResults;
}
