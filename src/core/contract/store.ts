import { z } from 'zod';
import { bytes, count, dim, path, positiveCount, preprocessingSchema, timestamp } from './shared.js';

/** The single documents of `layerlab store ls|info|verify|export|gc --json`. */

const splitRuleSchema = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('stratified'),
    seed: z.number().int(),
    train: z.number(),
    val: z.number(),
  }),
  z.strictObject({ method: z.literal('hash'), seed: z.number().int(), train: z.number(), val: z.number() }),
  z.strictObject({ method: z.literal('column'), column: z.string() }),
  z.strictObject({
    method: z.literal('files'),
    test: z.array(z.string()),
    seed: z.number().int(),
    train: z.number(),
    val: z.number(),
  }),
]);

/** Where a store's record groups came from (data/data-source.ts `GroupRule`). */
const groupRuleSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('column'), column: z.string() }),
  z.strictObject({ method: z.literal('folder') }),
]);

/**
 * A store's manifest as `store info` shows it (store/manifest.ts `StoreManifest`). Loose: it is the
 * store's own on-disk record, which newer store formats may extend.
 */
export const storeManifestSchema = z.looseObject({
  formatVersion: positiveCount,
  id: z.string().min(1),
  createdAt: timestamp,
  updatedAt: timestamp.optional(),
  model: z.looseObject({ ref: z.string().min(1), digest: z.string().min(1) }),
  dataset: z.looseObject({
    ref: z.string().min(1),
    digest: z.string().min(1),
    records: count,
    classNames: z.array(z.string()),
    lineage: z.string().optional(),
    split: splitRuleSchema.optional(),
    /** the records' groups (`--group-column`, `--group-by folder`, `store group`): distinct groups, records with one */
    groups: z.strictObject({ rule: groupRuleSchema, groups: count, records: count }).optional(),
  }),
  preprocessing: preprocessingSchema,
  preprocessingDigest: z.string().min(1),
  libraryVersions: z.record(z.string(), z.string()),
});

/** One feature set of a store, with the bytes its batches take (loose like the manifest). */
export const featureSetSchema = z.looseObject({
  key: z.string().min(1),
  /** the feature view name results use, e.g. `block2/relu@max` or `concat(last:2)` */
  layer: z.string().min(1),
  point: z.string().min(1),
  pooling: z.string().min(1),
  dims: positiveCount,
  dtype: z.enum(['float32', 'float16']),
  records: count,
  batchSize: positiveCount,
  batches: count,
  complete: z.boolean(),
  createdAt: timestamp,
  completedAt: timestamp.optional(),
  shape: z.array(dim).optional(),
  pointIndex: z.number().nonnegative().optional(),
  datasetDigest: z.string().optional(),
  temporary: z.boolean().optional(),
  plan: z.string().optional(),
  derivedFrom: z.array(z.string()).optional(),
  bytes,
});

/** `store info STORE` (store/store-catalog.ts `StoreSummary`). */
export const storeInfoSchema = z.strictObject({
  store: path,
  /** the folder name: what `store info`, `train --store` and friends accept */
  id: z.string().min(1),
  /** the LMDB file on disk, freed pages included until `gc --compact` */
  fileBytes: bytes,
  /** absent while the first extraction into the store has not written yet */
  manifest: storeManifestSchema.optional(),
  records: count,
  /** records that failed to decode and are left out */
  skipped: count,
  featureSets: z.array(featureSetSchema),
});

/** `store ls`. */
export const storeListSchema = z.strictObject({
  stores: z.array(storeInfoSchema),
  /** stores that cannot be read (damaged), each with its problem and fix; absent when there are none */
  unreadable: z.array(z.strictObject({ id: z.string(), dir: path, problem: z.string() })).optional(),
});

/** `store verify STORE` (exits 65 with an error object on stderr when `ok` is false). */
export const storeVerifySchema = z.strictObject({
  store: path,
  ok: z.boolean(),
  records: count,
  featureSets: z.array(
    z.strictObject({
      layer: z.string().min(1),
      key: z.string().min(1),
      complete: z.boolean(),
      batches: count,
      /** batches whose bytes do not match their recorded hash (or are missing) */
      bad: z.array(count),
      /** equal digests, byte-identical features */
      digest: z.string().min(1),
    }),
  ),
  problems: z.array(z.string()),
});

/** `store export STORE --layer L --out DIR`. */
export const storeExportSchema = z.strictObject({
  out: path,
  files: z.array(z.string().min(1)).min(1),
  layer: z.string().min(1),
  rows: count,
  dims: positiveCount,
  skipped: count,
});

/** `store group STORE --data DATA`: the groups the store's records were given. */
export const storeGroupSchema = z.strictObject({
  store: path,
  rule: groupRuleSchema,
  /** distinct groups */
  groups: count,
  /** records with a group */
  records: count,
  /** stored records without one */
  ungrouped: count,
});

/** `store gc`: what was (or, with `--dry-run`, would be) removed. */
export const storeGcSchema = z.strictObject({
  dryRun: z.boolean(),
  removed: z.array(
    z.strictObject({
      store: path,
      /** feature sets removed from the store */
      layers: z.array(z.string()).optional(),
      /** the whole store was removed (`--all`) */
      whole: z.literal(true).optional(),
      /** bytes the file shrank by `--compact` */
      reclaimedBytes: bytes.optional(),
      /** rows of records deleted or changed in the source, dropped from every feature set */
      retiredRows: count.optional(),
    }),
  ),
});
