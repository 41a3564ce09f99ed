import { z } from 'zod';
import type { LayerlabEvent } from '../events.js';
import { count, maybeNumber, modelLabelSchema, path, positiveCount, seconds } from './shared.js';

/** The NDJSON events long commands print before their result line (core/events.ts). */
export const extractStartEventSchema = z.strictObject({
  type: z.literal('extract.start'),
  store: path,
  model: z.string().min(1),
  dataset: z.string().min(1),
  layers: z.array(z.string().min(1)),
  records: count,
  reused: z.array(z.string().min(1)),
  appended: z.array(z.string().min(1)).optional(),
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
  resumedAfter: count.optional(),
});

export const trainUnitEventSchema = z.strictObject({
  type: z.literal('train.unit'),
  epoch: positiveCount,
  group: count,
  shard: count,
  worker: count,
  examples: count,
  seconds,
});

export const modelEpochMetricsSchema = z.strictObject({
  id: z.string().min(1),
  trainLoss: maybeNumber,
  valLoss: maybeNumber,
  valAccuracy: z.number().min(0).max(1),
  valMacroF1: z.number().min(0).max(1).optional(),
  epochsTrained: positiveCount.optional(),
});

export const trainEpochEventSchema = z.strictObject({
  type: z.literal('train.epoch'),
  epoch: positiveCount,
  epochs: positiveCount,
  models: z.array(modelEpochMetricsSchema),
});

export const trainControlEventSchema = z.strictObject({
  type: z.literal('train.control'),
  id: z.string().min(1).optional(),
  op: z.enum(['stop', 'resume', 'clone', 'add', 'halve']),
  model: z.string().min(1).optional(),
  applied: z.boolean(),
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

/** Every event type has a schema, and every schema is an event type (checked by the compiler). */
type EventType = LayerlabEvent['type'];
type SchemaType = z.output<typeof eventSchema>['type'];
const sameEventTypes: [EventType] extends [SchemaType]
  ? [SchemaType] extends [EventType]
    ? true
    : never
  : never = true;
void sameEventTypes;
