/**
 * The typed event stream every long command produces. The UI reduces over it, `--json` prints it
 * as NDJSON, plain mode prints selected events as lines. Events are summaries (per batch, per unit,
 * per epoch), never per training step.
 */
export interface ExtractStartEvent {
  type: 'extract.start';
  store: string;
  model: string;
  dataset: string;
  layers: string[];
  records: number;
  /** feature sets already in the store and reused as they are */
  reused: string[];
  /** feature sets kept and extended with the records the dataset gained (the rest are computed) */
  appended?: string[];
  /** records the dataset gained since the store was written, extracted for `appended` only */
  appendedRecords?: number;
}

export interface ExtractProgressEvent {
  type: 'extract.progress';
  records: number;
  total: number;
  recordsPerSecond: number;
  etaSeconds: number;
  rssMb: number;
}

export interface ExtractEndEvent {
  type: 'extract.end';
  store: string;
  cached: boolean;
  seconds: number;
}

export interface TrainStartEvent {
  type: 'train.start';
  run: string;
  models: { id: string; layer: string; head: string }[];
  groups: number;
  workers: number;
  epochs: number;
  /** set when a run continues after a crash or kill: the epochs it had completed */
  resumedAfter?: number;
}

export interface TrainUnitEvent {
  type: 'train.unit';
  /** 1-based, as in train.epoch */
  epoch: number;
  group: number;
  shard: number;
  worker: number;
  examples: number;
  seconds: number;
}

export interface ModelEpochMetrics {
  id: string;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  /** macro-averaged F1 on the validation split */
  valMacroF1?: number;
  /** epochs this model has trained, counting this one (models added mid-run start later) */
  epochsTrained?: number;
}

export interface TrainEpochEvent {
  type: 'train.epoch';
  /** 1-based: the epoch that just finished */
  epoch: number;
  epochs: number;
  models: ModelEpochMetrics[];
}

/**
 * A steering command (stop, resume, clone, add) handled at an epoch boundary, or a model stopped by
 * successive halving (`op: 'halve'`, no command id). Models it created are listed like train.start's.
 */
export interface TrainControlEvent {
  type: 'train.control';
  /** the control command's id; absent for the trainer's own decisions */
  id?: string;
  op: 'stop' | 'resume' | 'clone' | 'add' | 'halve';
  /** the model it acted on (stop, resume, clone, halve) */
  model?: string;
  applied: boolean;
  /** 1-based: the epoch after which it took effect (0: before the first) */
  epoch: number;
  reason?: string;
  models?: { id: string; layer: string; head: string }[];
}

export interface TrainEndEvent {
  type: 'train.end';
  run: string;
  seconds: number;
}

export interface LogEvent {
  type: 'log';
  level: 'info' | 'warn';
  message: string;
}

export type LayerlabEvent =
  | ExtractStartEvent
  | ExtractProgressEvent
  | ExtractEndEvent
  | TrainStartEvent
  | TrainUnitEvent
  | TrainEpochEvent
  | TrainControlEvent
  | TrainEndEvent
  | LogEvent;

export type EventSink = (event: LayerlabEvent) => void;

export const ignoreEvents: EventSink = () => {};
