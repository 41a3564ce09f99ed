import type { z } from 'zod';
import type {
  extractEndEventSchema,
  extractProgressEventSchema,
  extractStartEventSchema,
  logEventSchema,
  modelEpochMetricsSchema,
  trainControlEventSchema,
  trainEndEventSchema,
  trainEpochEventSchema,
  trainStartEventSchema,
  trainUnitEventSchema,
} from './contract/events.js';

/**
 * The typed event stream every long command produces. The UI reduces over it, `--json` prints it
 * as NDJSON, plain mode prints selected events as lines. Events are summaries (per batch, per unit,
 * per epoch), never per training step.
 *
 * Each event is defined once, as its zod schema in `contract/events.ts` (the `--json` contract);
 * the types here are inferred from those schemas. The imports are type-only, so importing this
 * module loads no zod (`help` and `--version` stay light).
 */
export type ExtractStartEvent = z.output<typeof extractStartEventSchema>;
export type ExtractProgressEvent = z.output<typeof extractProgressEventSchema>;
export type ExtractEndEvent = z.output<typeof extractEndEventSchema>;
export type TrainStartEvent = z.output<typeof trainStartEventSchema>;
export type TrainUnitEvent = z.output<typeof trainUnitEventSchema>;

/**
 * One model's metrics after an epoch. The schema reads losses as `number | null` because JSON writes
 * a diverged (NaN or infinite) loss as null; in process the trainer emits that loss as a number.
 */
export type ModelEpochMetrics = Omit<z.output<typeof modelEpochMetricsSchema>, 'trainLoss' | 'valLoss'> & {
  trainLoss: number;
  valLoss: number;
};

export type TrainEpochEvent = Omit<z.output<typeof trainEpochEventSchema>, 'models'> & {
  models: ModelEpochMetrics[];
};

/**
 * A steering command (stop, resume, clone, add) handled at an epoch boundary, or a model stopped by
 * successive halving (`op: 'halve'`, no command id). Models it created are listed like train.start's.
 */
export type TrainControlEvent = z.output<typeof trainControlEventSchema>;
export type TrainEndEvent = z.output<typeof trainEndEventSchema>;
export type LogEvent = z.output<typeof logEventSchema>;

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
