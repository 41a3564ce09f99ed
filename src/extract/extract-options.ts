import type { Backbone, PreprocessSpec } from '../backbone/backbone.js';
import type { CapturePoint, Pooling } from '../backbone/capture-point.js';
import type { EventSink } from '../core/events.js';
import type { DataSource, SkippedRecord } from '../data/data-source.js';
import type { StorageDtype } from '../store/batch-codec.js';
import type { ExtractionPlan, Strategy } from './plan.js';
import type { AppendedSummary, FeatureSetStatus } from './set-outcomes.js';

export interface ExtractOptions {
  backbone: Backbone;
  dataset: DataSource;
  points: readonly CapturePoint[];
  pooling: Pooling;
  /** resolved with `backbone.resolvePreprocess`; recorded in the store and part of every key */
  preprocess: PreprocessSpec;
  storeDir: string;
  sink: EventSink;
  signal?: AbortSignal;
  /** the largest batch the planner may choose @default 128 */
  maxBatchSize?: number;
  /** a batch size to use as it is (the planner checks that it fits) */
  batchSize?: number;
  /** @default half of the free memory */
  memoryBudgetBytes?: number;
  /** @default availableParallelism() */
  threads?: number;
  /** @default 'float32' */
  dtype?: StorageDtype;
  /** @default 'auto' */
  strategy?: Strategy;
  /** fail on a record that cannot be decoded instead of skipping it */
  strict?: boolean;
  /** plan and forecast only: nothing is computed or written */
  planOnly?: boolean;
  /** progress events at most this often @default 200 */
  progressIntervalMs?: number;
}

export interface ExtractedFeatureSet {
  layer: string;
  key: string;
  dims: number;
  records: number;
  /** already stored before this extraction */
  reused: boolean;
  /** what this extraction did to the set (absent from results made before it was recorded) */
  status?: FeatureSetStatus;
  /** records whose features this extraction computed for the set; with `planOnly`, would compute */
  computedRecords?: number;
}

export interface ExtractResult {
  store: string;
  /** true when nothing had to be computed */
  cached: boolean;
  featureSets: ExtractedFeatureSet[];
  plan: ExtractionPlan;
  seconds: number;
  /** records left out: unreadable rows, files that failed to decode */
  skipped: SkippedRecord[];
  /** `planOnly`: the plan was made, nothing ran */
  dryRun?: boolean;
  /** records the dataset gained since the store was written, and the sets extended with them */
  appended?: AppendedSummary;
}
