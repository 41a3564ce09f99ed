import { z } from 'zod';

/**
 * Building blocks of the `--json` contract schemas. JSON has no NaN or Infinity: `JSON.stringify`
 * writes them as `null`, so values that can be undefined (a diverged loss, a missing test split) are
 * `number | null` and everything else is a finite number.
 */
export const count = z.number().int().nonnegative();
export const positiveCount = z.number().int().positive();
export const bytes = z.number().int().nonnegative();
export const seconds = z.number().nonnegative();
/** A metric or loss that is `null` when undefined: NaN or ±Infinity as JSON writes them. */
export const maybeNumber = z.number().nullable();
/** An absolute or relative path as the command resolved it. */
export const path = z.string().min(1);
/** An ISO 8601 timestamp. */
export const timestamp = z.iso.datetime();

/** A tensor dimension: a size, a symbolic name (`N` batch, `T` tokens), or unknown. */
export const dim = z.union([z.number().int(), z.string(), z.null()]);

export const rankingMetric = z.enum(['accuracy', 'macro_f1']);

/** Every head type: trained by SGD (`linear`, `mlp`) or solved in closed form (`ridge`). */
export const headTypeSchema = z.enum(['linear', 'mlp', 'ridge']);

/** The head of a trained model as results print it (core/result.ts `HeadSummary`). */
export const headSummarySchema = z.strictObject({
  id: z.string().min(1),
  type: headTypeSchema,
  lr: z.number().positive(),
  l2: z.number().nonnegative(),
  batchSize: positiveCount,
  optimizer: z.enum(['sgd', 'adam']),
  momentum: z.number().nonnegative(),
  epochs: count,
  hidden: z.array(positiveCount).optional(),
  dropout: z.number().min(0).max(1).optional(),
  schedule: z.enum(['constant', 'cosine']).optional(),
  classWeight: z.enum(['none', 'balanced']).optional(),
});

/** A head configuration with every default applied (what a sweep trial trains). */
export const resolvedHeadSchema = z.strictObject({
  type: headTypeSchema,
  hidden: z.array(positiveCount),
  lr: z.number().positive(),
  l2: z.number().nonnegative(),
  batchSize: positiveCount,
  optimizer: z.enum(['sgd', 'adam']),
  momentum: z.number().nonnegative(),
  dropout: z.number().min(0).max(1),
  lrSchedule: z.enum(['constant', 'cosine']),
  classWeight: z.enum(['none', 'balanced']),
});

/**
 * How records become model inputs, as a store records it. Loose: each backbone format may record
 * more (a transformers.js processor, a tokenizer class), and the fields are identity, not API.
 */
export const preprocessingSchema = z.discriminatedUnion('kind', [
  z.looseObject({
    kind: z.literal('image'),
    resize: z.tuple([positiveCount, positiveCount]),
    scale: z.number(),
    mean: z.array(z.number()),
    std: z.array(z.number()),
    channels: z.enum(['rgb', 'bgr', 'gray']),
    layout: z.enum(['nchw', 'nhwc']),
  }),
  z.looseObject({
    kind: z.literal('text'),
    tokenizer: z.string(),
    maxLength: positiveCount,
    tokenTypeIds: z.boolean(),
  }),
]);

/** A model's `{id, layer, head}` as train.start and train.control list it (`head`: a short label). */
export const modelLabelSchema = z.strictObject({
  id: z.string().min(1),
  layer: z.string().min(1),
  head: z.string(),
});
