import { z } from 'zod';
import { TRIAGE_METHODS } from '../core/result.js';
import {
  headParameterShape,
  numericDistributionSchemas,
  scalarSchema as scalar,
} from '../train/search/search-space.js';

/**
 * The sweep file (W&B-sweep-like, YAML or JSON), validated at the edge; `layerlab sweep --schema`
 * publishes it as JSON Schema. Relative paths inside are resolved against the file's own folder.
 */
const positiveInt = z.number().int().positive();

/**
 * A head parameter: a value, a list (grid axis), or a distribution, in either of two spellings (the
 * trainer's head space, and W&B's `value`/`values`/`distribution` forms, which headsToSpace converts).
 */
const parameter = z.union([
  scalar,
  z.array(z.union([scalar, z.array(scalar)])).min(1),
  z.strictObject({ value: z.union([scalar, z.array(scalar)]) }),
  z.strictObject({ values: z.array(z.union([scalar, z.array(scalar)])).min(1) }),
  ...numericDistributionSchemas,
  z.strictObject({ q_uniform: z.tuple([z.number(), z.number(), z.number().positive()]) }),
  z.strictObject({
    distribution: z.enum(['uniform', 'log_uniform_values', 'int_uniform', 'q_uniform']),
    min: z.number(),
    max: z.number(),
    q: z.number().positive().optional(),
  }),
]);

export const headsBlockSchema = z.strictObject(headParameterShape(parameter));

const dataSchema = z.union([
  z.string().min(1),
  z.strictObject({
    ref: z.string().min(1),
    textColumn: z.string().optional(),
    labelColumn: z.string().optional(),
    splitColumn: z.string().optional(),
    idColumn: z.string().optional(),
    imageColumn: z.string().optional(),
    groupColumn: z.string().optional(),
    table: z.string().optional(),
    query: z.string().optional(),
    split: z
      .strictObject({
        train: z.number().min(0).max(1),
        val: z.number().min(0).max(1),
        test: z.number().min(0).max(1),
      })
      .refine((s) => Math.abs(s.train + s.val + s.test - 1) < 1e-6, 'split ratios must add up to 1')
      .optional(),
    seed: z.number().int().optional(),
  }),
]);

const poolingSchema = z
  .string()
  .regex(/^(mean|max|cls|none|grid:[1-9]\d*)$/, 'expected mean, max, cls, none or grid:K');

export const sweepSchema = z.strictObject({
  name: z.string().optional(),
  model: z.string().min(1),
  data: dataSchema,
  layers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).default('blocks'),
  pooling: z.union([poolingSchema, z.array(poolingSchema).min(1)]).default('mean'),
  views: z
    .array(
      z
        .string()
        .regex(
          /^(sum|mean|concat)\(last:[1-9]\d*\)$/,
          'expected sum(last:K), mean(last:K) or concat(last:K)',
        ),
    )
    .optional(),
  preprocess: z
    .strictObject({
      resize: z.tuple([positiveInt, positiveInt]).optional(),
      scale: z.number().positive().optional(),
      mean: z.array(z.number()).min(1).max(3).optional(),
      std: z.array(z.number().positive()).min(1).max(3).optional(),
      channels: z.enum(['rgb', 'bgr', 'gray']).optional(),
      layout: z.enum(['nchw', 'nhwc']).optional(),
      maxLength: positiveInt.optional(),
    })
    .optional(),
  heads: headsBlockSchema,
  method: z.enum(['grid', 'random']).default('grid'),
  run_cap: positiveInt.optional(),
  epochs: positiveInt.default(5),
  halving: z.union([z.number().gt(1), z.strictObject({ eta: z.number().gt(1) })]).optional(),
  workers: positiveInt.optional(),
  metric: z
    .strictObject({ name: z.enum(['accuracy', 'macro_f1']), goal: z.enum(['maximize']).default('maximize') })
    .default({ name: 'accuracy', goal: 'maximize' }),
  seed: z.number().int().default(1),
  /**
   * grouped learning (`train --groups`): also a head per data group of the store; `true`, or
   * `{minRecords: N}` to skip groups with fewer train records
   */
  groups: z.union([z.boolean(), z.strictObject({ minRecords: positiveInt })]).optional(),
  /** score the swept layers in closed form first and train only the best `keep` (`layerlab triage`) */
  triage: z
    .strictObject({
      keep: positiveInt,
      method: z.enum(TRIAGE_METHODS).optional(),
    })
    .optional(),
});

export type SweepFile = z.infer<typeof sweepSchema>;
export type HeadsBlock = z.infer<typeof headsBlockSchema>;

/** The JSON Schema of sweep files, for editors and CI linters. */
export function sweepJsonSchema(): unknown {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'layerlab sweep file',
    ...(z.toJSONSchema(sweepSchema, { io: 'input' }) as object),
  };
}
