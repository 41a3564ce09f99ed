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
}

export interface TrainEpochEvent {
  type: 'train.epoch';
  /** 1-based: the epoch that just finished */
  epoch: number;
  epochs: number;
  models: ModelEpochMetrics[];
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
  | TrainEndEvent
  | LogEvent;

export type EventSink = (event: LayerlabEvent) => void;

export const ignoreEvents: EventSink = () => {};
