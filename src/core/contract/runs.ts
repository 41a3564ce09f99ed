import { z } from 'zod';
import { bytes, count, path, timestamp } from './shared.js';
import { trainingResultSchema } from './results.js';

/** The single documents of `layerlab results` and `layerlab report`. */

/** A run as `results` lists it (store/run-store.ts `RunMeta`). */
export const runMetaSchema = z.strictObject({
  id: z.string().min(1),
  /** the command that started it: demo, train or sweep */
  command: z.string().min(1),
  model: z.string(),
  data: z.string(),
  store: path.optional(),
  pid: z.number().int().positive(),
  host: z.string(),
  startedAt: timestamp,
  status: z.enum(['running', 'done', 'failed', 'interrupted']),
  endedAt: timestamp.optional(),
  error: z.string().optional(),
});

/** A run's stored result: its training result (sweep runs also carry `trials`). */
export const runResultSchema = trainingResultSchema.extend({ trials: count.optional() });

/** One model of a run, as the results table shows it (report/results-table.ts `ResultRow`). */
export const resultRowSchema = z.strictObject({
  run: z.string().min(1),
  model: z.string().min(1),
  layer: z.string().min(1),
  /** short head label, e.g. `lr=0.1 l2=1e-4` */
  head: z.string(),
  status: z.enum(['active', 'stopped', 'halted']),
  epochs: count,
  /** the run's ranking metric on validation, last epoch */
  value: z.number().min(0).max(1),
  /** the ranking metric on test; `null` when the data has no test split */
  test: z.number().min(0).max(1).nullable(),
  /** the run's best model */
  best: z.boolean(),
});

/** `results` with no run: every run under the home, newest first. */
export const resultsListSchema = z.strictObject({ runs: z.array(runMetaSchema) });

/** `results RUN`: the run's result with its models, best first. */
export const resultsRunSchema = runResultSchema.extend({ models: z.array(resultRowSchema) });

/** `results --compare RUN…`: every run's result, and all their models in one list, best first. */
export const resultsCompareSchema = z.strictObject({
  runs: z.array(runResultSchema).min(2),
  models: z.array(resultRowSchema),
});

/** `report RUN --out FILE`. */
export const reportSchema = z.strictObject({
  /** the run as given on the command line */
  run: z.string().min(1),
  out: path,
  bytes: bytes,
});
