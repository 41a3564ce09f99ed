import { z } from 'zod';
import { trainTriageSchema } from './triage.js';
import { bytes, count, headSummarySchema, path, positiveCount, rankingMetric, seconds } from './shared.js';

/**
 * The final `result` lines of long commands (docs/contract.md, "Result fields"): demo, train and sweep
 * print a training result, extract an extraction result, predict a prediction summary.
 */
const metricValue = z.number().min(0).max(1);

/** `demo` and `train` (core/result.ts `TrainingResult`). */
export const trainingResultSchema = z.strictObject({
  type: z.literal('result'),
  run: z.string().min(1),
  store: path,
  metric: rankingMetric,
  /** true when every feature set was reused from the store */
  cached: z.boolean(),
  /** per phase */
  seconds: z.strictObject({ extract: seconds, train: seconds, total: seconds }),
  layers: z.array(
    z.strictObject({
      layer: z.string().min(1),
      best: z.strictObject({ value: metricValue, head: headSummarySchema }),
    }),
  ),
  best: z.strictObject({
    layer: z.string().min(1),
    value: metricValue,
    /** the best head's metric on the test split; `null` when the data has no test split */
    test: metricValue.nullable(),
    head: headSummarySchema,
  }),
  /** with `--triage K` (a sweep's `triage: {keep}`): the scores, and which sets were trained */
  triage: trainTriageSchema.optional(),
});

/** `sweep`: a training result with the number of trials the sweep declared. */
export const sweepResultSchema = trainingResultSchema.extend({ trials: count });

/** The extraction plan and its forecast (extract/plan.ts `ExtractionPlan`). */
export const extractionPlanSchema = z.strictObject({
  mode: z.enum(['one-pass', 'staged', 'lazy']),
  /** why this plan, in one line */
  reason: z.string(),
  /** 0 when nothing is computed */
  batchSize: count,
  batches: count,
  concurrency: z.strictObject({ ortThreads: count, decodeConcurrency: count, prefetchBatches: count }),
  stages: z.array(
    z.strictObject({
      from: z.string().min(1),
      points: z.array(z.string().min(1)),
      peakBytes: bytes,
      seconds: seconds.optional(),
    }),
  ),
  forecast: z.strictObject({
    peakBytes: bytes,
    storeBytes: bytes,
    boundaryBytes: bytes,
    seconds: seconds.optional(),
    memoryBudgetBytes: bytes,
  }),
});

/** `extract` (with `--plan`: `dryRun: true`, nothing computed). */
export const extractResultSchema = z.strictObject({
  type: z.literal('result'),
  store: path,
  /** true when nothing had to be computed */
  cached: z.boolean(),
  featureSets: z.array(
    z.strictObject({
      layer: z.string().min(1),
      dims: positiveCount,
      records: count,
      key: z.string().min(1),
      /** already stored before this extraction */
      reused: z.boolean(),
      /** stored (as it was), appended (extended with new records), resumed or computed */
      status: z.enum(['stored', 'appended', 'resumed', 'computed']).optional(),
      /** records whose features this extraction computed (with `dryRun`: would compute) */
      computedRecords: count.optional(),
    }),
  ),
  plan: extractionPlanSchema,
  seconds,
  /** records left out: unreadable rows, files that failed to decode */
  skipped: z.array(z.strictObject({ id: z.string(), reason: z.string() })),
  dryRun: z.literal(true).optional(),
  /** records the dataset gained since the store was written, and the feature sets extended with them */
  appended: z.strictObject({ records: count, featureSets: count }).optional(),
  /**
   * `extract --cluster`: the hosts holding each shard (`store` is then the cluster store id, `cs-…`,
   * and `plan` the one shard 0's first host followed)
   */
  placement: z.array(z.strictObject({ shard: count, hosts: z.array(z.string().min(1)).min(1) })).optional(),
});

/** `predict`: where the predictions went, by which head. */
export const predictResultSchema = z.strictObject({
  type: z.literal('result'),
  run: z.string().min(1),
  head: z.string().min(1),
  layer: z.string().min(1),
  out: path,
  records: count,
  store: path,
  cached: z.boolean(),
});
