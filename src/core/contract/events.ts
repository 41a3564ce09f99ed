import { z } from 'zod';
import { count, maybeNumber, modelLabelSchema, path, positiveCount, seconds } from './shared.js';

/**
 * The NDJSON events long commands print before their result line: the one definition of every
 * event (core/events.ts infers the event types from these schemas).
 */
export const extractStartEventSchema = z.strictObject({
  type: z.literal('extract.start'),
  store: path,
  model: z.string().min(1),
  dataset: z.string().min(1),
  layers: z.array(z.string().min(1)),
  records: count,
  /** feature sets already in the store and reused as they are */
  reused: z.array(z.string().min(1)),
  /** feature sets kept and extended with the records the dataset gained (the rest are computed) */
  appended: z.array(z.string().min(1)).optional(),
  /** records the dataset gained since the store was written, extracted for `appended` only */
  appendedRecords: count.optional(),
});

export const extractProgressEventSchema = z.strictObject({
  type: z.literal('extract.progress'),
  records: count,
  total: count,
  recordsPerSecond: z.number().nonnegative(),
  etaSeconds: seconds,
  rssMb: z.number().positive(),
});

export const extractEndEventSchema = z.strictObject({
  type: z.literal('extract.end'),
  store: path,
  cached: z.boolean(),
  seconds,
});

export const trainStartEventSchema = z.strictObject({
  type: z.literal('train.start'),
  run: z.string().min(1),
  models: z.array(modelLabelSchema),
  groups: count,
  workers: positiveCount,
  epochs: positiveCount,
  /** set when a run continues after a crash or kill: the epochs it had completed */
  resumedAfter: count.optional(),
});

export const trainUnitEventSchema = z.strictObject({
  type: z.literal('train.unit'),
  /** 1-based, as in train.epoch */
  epoch: positiveCount,
  group: count,
  shard: count,
  worker: count,
  /** the host that ran the unit, when the workers are on a cluster's hosts (`--cluster`) */
  host: z.string().min(1).optional(),
  examples: count,
  seconds,
});

export const modelEpochMetricsSchema = z.strictObject({
  id: z.string().min(1),
  trainLoss: maybeNumber,
  valLoss: maybeNumber,
  valAccuracy: z.number().min(0).max(1),
  /** macro-averaged F1 on the validation split */
  valMacroF1: z.number().min(0).max(1).optional(),
  /** epochs this model has trained, counting this one (models added mid-run start later) */
  epochsTrained: positiveCount.optional(),
});

export const trainEpochEventSchema = z.strictObject({
  type: z.literal('train.epoch'),
  /** 1-based: the epoch that just finished */
  epoch: positiveCount,
  epochs: positiveCount,
  models: z.array(modelEpochMetricsSchema),
});

export const trainControlEventSchema = z.strictObject({
  type: z.literal('train.control'),
  /** the control command's id; absent for the trainer's own decisions */
  id: z.string().min(1).optional(),
  op: z.enum(['stop', 'resume', 'clone', 'add', 'halve']),
  /** the model it acted on (stop, resume, clone, halve) */
  model: z.string().min(1).optional(),
  applied: z.boolean(),
  /** 1-based: the epoch after which it took effect (0: before the first) */
  epoch: count,
  reason: z.string().optional(),
  models: z.array(modelLabelSchema).optional(),
});

export const trainEndEventSchema = z.strictObject({
  type: z.literal('train.end'),
  run: z.string().min(1),
  seconds,
});

export const logEventSchema = z.strictObject({
  type: z.literal('log'),
  level: z.enum(['info', 'warn']),
  message: z.string(),
});

/** Any event line of a long command's `--json` output. */
export const eventSchema = z.discriminatedUnion('type', [
  extractStartEventSchema,
  extractProgressEventSchema,
  extractEndEventSchema,
  trainStartEventSchema,
  trainUnitEventSchema,
  trainEpochEventSchema,
  trainControlEventSchema,
  trainEndEventSchema,
  logEventSchema,
]);
