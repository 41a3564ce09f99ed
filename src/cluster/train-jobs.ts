import type { FeatureSetManifest, StoreManifest } from '../store/manifest.js';
import type { GroupRun, EvalSplit, InjectedFault } from '../train/worker/worker-protocol.js';
import type { UnitRef } from '../train/transport/messages.js';
import type { HostTrace } from './unit-trace.js';
import type { BlobRef } from './wire.js';
import type { HandoffRef } from './state-handoff.js';
import { QUEUE_PREFIX } from './host-record.js';

/**
 * The data of the training unit kinds (BullMQ job payloads and replies). Data only: names, numbers,
 * base64 of typed arrays; the only place a host opens is its own `HOME/cluster/STORE/shard-K`.
 */

/** What every host of a training session shares: written once to Redis by the coordinator. */
export interface TrainSessionSpec {
  store: string;
  seed: number;
  classes: number;
  /** the train-split standardization, the same on every shard (f32 base64) */
  featureSets: { key: string; dims: number; mean: string; std: string }[];
}

export const sessionKey = (session: string): string => `${QUEUE_PREFIX}:train-session:${session}`;

interface JobBase {
  /** the coordinator's session: its spec key and its reply list */
  session: string;
  /** unique per dispatch: the reply names it */
  job: string;
  shard: number;
}

export interface TrainUnitJob extends JobBase {
  unit: UnitRef;
  attempt: number;
  batchSize: number;
  group: GroupRun;
  /** the state, or (chained) the unit whose new state the host waits for */
  state: BlobRef | HandoffRef;
  hyper: BlobRef;
  fault?: InjectedFault;
}

/**
 * A worker's units sent in one pass (the coordinator refills a busy worker with its next units at
 * once): one BullMQ job, so that BullMQ's own work per job is shared by them. Each unit replies as
 * its own (its `job`), in the plan order they are listed in.
 */
export interface TrainUnitsJob {
  session: string;
  units: TrainUnitJob[];
}

/**
 * Units a worker is sent beyond the one it runs, and how few it must be down to before it is sent
 * more (`Transport.unitsAhead`, `refillsAt`): a refill of up to 5 goes as one `train-units` job. A
 * host has `UNITS_AHEAD + 1` job slots per worker, so that every unit sent to a worker, each alone
 * in its job at worst (retries are), finds a slot.
 */
export const UNITS_AHEAD = 5;
export const REFILL_AT = 1;

export interface TrainUnitReply {
  state: BlobRef;
  lossSum: string;
  correct: string;
  steps: number;
  examples: number;
  seconds: number;
  /** the host's stamps, for the dispatch-overhead breakdown */
  trace?: HostTrace;
}

export interface TrainEvalJob extends JobBase {
  split: EvalSplit;
  groups: (GroupRun & { state: BlobRef })[];
}

/** The coordinator closed its session: the host stops its shard workers (no reply). */
export interface TrainEndJob {
  session: string;
}

export type TrainEvalReply = { lossSum: string; correct: string; count: number; confusion: string }[];

/**
 * What the coordinator asks of a shard before training: `summary` (its splits, labels and feature
 * sets) and the two passes of the train-split standardization, `mean` then `variance`: partial sums of
 * x/n and (x − mean)²/n over the shard's train rows, in its record order, in float64.
 */
export interface ShardStatsJob extends JobBase {
  store: string;
  pass: 'summary' | 'mean' | 'variance';
  keys?: string[];
  /** the number of train rows of the whole store */
  n?: number;
  /** per key, the mean (f64 base64), for `variance` */
  means?: string[];
}

export interface ShardSummary {
  shard: number;
  classNames: string[];
  model: string;
  data: string;
  maxLabel: number;
  counts: { train: number; val: number; test: number };
  /** train rows per label, index = label */
  trainLabels: number[];
  /** the shard store's feature sets, as its manifest lists them */
  featureSets: FeatureSetManifest[];
  /** the shard store's manifest (model, preprocessing, class names): a cluster run keeps shard 0's */
  manifest?: StoreManifest;
}

/** per key, the shard's partial sums (f64 base64) */
export type ShardMoments = string[];
