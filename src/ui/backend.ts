/**
 * What the terminal UI reads and does, as plain data. The CLI builds the implementation (it opens
 * LMDB stores and run folders, `src/cli/ui-data`); screens only ever see these objects, so they
 * render in tests from literals and never load a native addon.
 */
import type { HeadSummary } from '../core/result.js';
import type { FeatureSetManifest, StoreManifest } from '../store/manifest.js';
import type { ControlAck, ControlCommand, RunMeta } from '../store/run-store.js';
import type { RunState } from './run-state.js';
import type { RunStateStore } from './run-state-store.js';

export interface StoreSummary {
  id: string;
  dir: string;
  /** model reference, e.g. `builtin:shapes-cnn` */
  backbone: string;
  dataset: string;
  /** complete feature sets (one per layer view) */
  layers: number;
  featureSets: number;
  records: number;
  /** features.mdb on disk */
  sizeBytes: number;
  createdAt: string;
  /** set when the store could not be read; the other fields are then placeholders */
  error?: string;
}

export interface FeatureSetView extends FeatureSetManifest {
  /** payload size: records × dims × bytes per value */
  bytes: number;
}

export interface StoreDetail {
  summary: StoreSummary;
  manifest: StoreManifest;
  featureSets: FeatureSetView[];
  /** records per split */
  split: { train: number; val: number; test: number };
}

export interface RunListing {
  meta: RunMeta;
  /** the run's process is gone although its status still says running (crashed or killed) */
  stale: boolean;
  /** the run's events replayed */
  state: RunState;
}

/** A head configuration as the job recorded it; open-ended so new head types need no UI change. */
export type HeadConfigView = Record<string, number | string>;

/** One fused group in one epoch: the models trained together and the shards they visited, in order. */
export interface GroupVisit {
  id: number;
  layer: string;
  batchSize: number;
  models: string[];
  shards: number[];
}

export interface EpochVisits {
  /** 1-based */
  epoch: number;
  groups: GroupVisit[];
}

export interface OutcomeModel {
  id: string;
  layer: string;
  label: string;
  head: HeadSummary;
  /** `stopped` or `halted` when it ended before the run did */
  status?: string;
  trainLoss: number[];
  valLoss: number[];
  valAccuracy: number[];
  valMacroF1?: number[];
  finalValAccuracy: number;
  testAccuracy: number | null;
  /** rows = true class, columns = predicted, when the trainer recorded one for this model */
  confusion?: number[][];
  confusionSplit?: 'test' | 'val';
}

export interface RunOutcome {
  seconds: number;
  classes: number;
  models: OutcomeModel[];
  bestModel: string;
  /** a `train --groups` run: per data group its best layer and the group × layer grid */
  groups?: GroupOutcome[];
}

/** One data group of a grouped run (results.json `groups`): the metrics are the run's ranking metric. */
export interface GroupOutcome {
  name: string;
  /** its best model on its own validation records */
  best: { id: string; layer: string; val: number | null; test: number | null };
  /** per layer, its best model's validation metric */
  layers: { layer: string; val: number | null }[];
  /** the shared head (the run's best ungrouped model) on the group's test records */
  shared: { id: string; test: number | null };
}

/** A checkpoint file: what it holds (from its header) and where it is. */
export interface CheckpointView {
  /** `snapshot`: every model at the last epoch boundary; `unit`: one group after its latest unit */
  kind: 'snapshot' | 'unit';
  path: string;
  bytes: number;
  modifiedAt: string;
  /** the epoch it belongs to (snapshot: epochs completed) */
  epoch?: number;
  group?: number;
  /** units of the epoch done (unit checkpoints) */
  units?: number;
  models: string[];
  /** tensor names and shapes of the model it is shown for */
  tensors: { name: string; dims: number[] }[];
}

/** Everything a run folder holds besides its event log; each part is absent until written. */
export interface RunDetail {
  meta?: RunMeta;
  job?: {
    featureSets: { key: string; layer: string }[];
    epochs: number;
    workers: number;
    seed: number;
    /** anything else the job recorded (ranking metric, halving, …), for the config view */
    extra: Record<string, number | string>;
  };
  /** every model's full head configuration, by model id (models added while running included) */
  heads: Record<string, HeadConfigView>;
  outcome?: RunOutcome;
  /** per epoch, each group's models and the shards it visited, in order */
  visits: EpochVisits[];
  checkpoints: CheckpointView[];
  /** class names from the feature store, for the confusion matrix */
  classNames?: string[];
}

/** A run folder's files and steering queue, by run id. */
export interface RunFiles {
  /** reads the run's files again; cheap enough to call every second or two */
  detail(run: string): RunDetail;
  /** queues a steering command for the trainer's next epoch boundary; returns its id */
  steer(run: string, command: ControlCommand): string;
  acknowledgement(run: string, id: string): ControlAck | undefined;
}

/** A run being followed: its event log replayed and then tailed into a state store. */
export interface RunFollower {
  readonly state: RunStateStore;
  close(): void;
}

export interface UiBackend extends RunFiles {
  /** where runs and stores live, for messages */
  home: string;
  listStores(): StoreSummary[];
  listRuns(): RunListing[];
  storeDetail(id: string): StoreDetail;
  follow(run: string): RunFollower;
}
