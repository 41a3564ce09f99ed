import { z } from 'zod';
import { dim, path, positiveCount, preprocessingSchema, resolvedHeadSchema } from './shared.js';
import { extractionPlanSchema } from './results.js';

/** The single documents of `layers`, `export-head`, `doctor`, `sweep plan` and `sweep --schema`. */

/** `layers MODEL` (docs/contract.md, "Result fields"): exactly these fields per capture point. */
export const layersSchema = z.strictObject({
  /** the model ref as given */
  model: z.string().min(1),
  points: z.array(
    z.strictObject({
      name: z.string().min(1),
      op: z.string().min(1),
      block: z.string().min(1),
      /** batch axis `N`, token axes `T` */
      shape: z.array(dim),
      /** values per record */
      size: positiveCount,
      /** values per record after the default pooling */
      pooledSize: positiveCount,
    }),
  ),
});

/** `export-head --run RUN --out FILE`. */
export const exportHeadSchema = z.strictObject({
  run: z.string().min(1),
  head: z.string().min(1),
  layer: z.string().min(1),
  out: path,
  /** the backbone's inputs, which the exported model takes */
  inputs: z.array(z.string().min(1)).min(1),
  output: z.literal('scores'),
  /** class names, in score order */
  classes: z.array(z.string()).min(2),
  preprocessing: preprocessingSchema,
  bytes: positiveCount,
});

/** One check of `doctor`. */
export const doctorCheckSchema = z.strictObject({
  name: z.string().min(1),
  ok: z.boolean(),
  detail: z.string(),
  /** what to do when not ok */
  fix: z.string().optional(),
});

/** `doctor`: exits 78 with an error object on stderr when `ok` is false. */
export const doctorSchema = z.strictObject({
  ok: z.boolean(),
  /** open-ended: a package's version, or `not installed` */
  versions: z
    .object({ layerlab: z.string().min(1), node: z.string().min(1), 'onnxruntime-node': z.string().min(1) })
    .catchall(z.string()),
  home: path,
  checks: z.array(doctorCheckSchema).min(1),
});

/** One trial of a sweep (sweep/sweep-trials.ts `Trial`). */
export const sweepTrialSchema = z.strictObject({
  /** stable across plans and runs */
  id: z.string().regex(/^t-[0-9a-f]+$/),
  /** the model id the trainer gives it */
  model: z.string().regex(/^m\d+$/),
  layer: z.string().min(1),
  featureSet: z.string().min(1),
  head: resolvedHeadSchema,
});

/** `sweep plan FILE`: what a sweep would extract and train, without running it. */
export const sweepPlanSchema = z.strictObject({
  type: z.literal('plan'),
  store: path,
  /** feature views the trials read; derived views not stored yet have a `planned:` key */
  featureSets: z.array(z.strictObject({ key: z.string().min(1), layer: z.string().min(1) })),
  /** one extraction per pooling */
  extraction: z.array(z.strictObject({ cached: z.boolean(), plan: extractionPlanSchema })),
  trials: z.array(sweepTrialSchema),
});

/** `sweep --schema`: the JSON Schema of sweep files (a JSON Schema document, open-ended by nature). */
export const sweepFileSchemaSchema = z.looseObject({
  $schema: z.string().min(1),
  title: z.string().min(1),
  type: z.literal('object'),
  properties: z.record(z.string(), z.unknown()),
});
