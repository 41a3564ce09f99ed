import { basename, join } from 'node:path';
import { z } from 'zod';
import { headSummarySchema, headTypeSchema, rankingMetric } from '../../core/contract/shared.js';
import { LayerlabError } from '../../core/errors.js';
import { groupResultsFullSchema, groupResultsSchema } from './group-results.js';
import { epochVisitsSchema } from './run-visits.js';
import { readRunFile, writeRunFile, type Conforms } from '../../store/run-file.js';
import type { TrainOutcome } from '../mop/train-job.js';

/** JSON writes NaN and ±Infinity (a diverged loss) as null. */
const metric = z.number().nullable();
const metrics = z.array(metric);

const modelStatusSchema = z.enum(['active', 'stopped', 'halted']);
const confusionSchema = z.array(z.array(z.number().int().nonnegative()));

/**
 * One model's results, with `value` the type of a validation metric or loss: `z.number()` in
 * process (NaN when a loss diverged), nullable on disk (JSON writes NaN as null). Test metrics are
 * null in both when the store has no test records.
 */
function modelResultWith<V extends z.ZodType<number | null>>(value: V) {
  return z.strictObject({
    id: z.string().min(1),
    layer: z.string(),
    featureSet: z.string(),
    /** short label, e.g. `lr=0.1 l2=1e-4` */
    label: z.string(),
    head: headSummarySchema,
    status: modelStatusSchema,
    /** per epoch the model trained: step-weighted mean train loss, validation loss, accuracy, macro-F1 */
    trainLoss: z.array(value),
    valLoss: z.array(value),
    valAccuracy: z.array(value),
    valMacroF1: z.array(value),
    finalValAccuracy: value,
    finalValMacroF1: value,
    /** the run's ranking metric on validation, last epoch */
    finalValue: value,
    testAccuracy: metric,
    testMacroF1: metric,
    testLoss: metric,
    /** the ranking metric on test */
    testValue: metric,
    /** final weights' per-class counts, rows = true class, columns = predicted (test, else validation) */
    confusion: confusionSchema,
  });
}

/** results.json in full as the trainer writes it, with `value` as in `modelResultWith`. */
function trainOutcomeWith<V extends z.ZodType<number | null>>(value: V) {
  const model = modelResultWith(value);
  return z.strictObject({
    run: z.string().min(1),
    runDir: z.string().min(1),
    seconds: z.number().nonnegative(),
    classes: z.number().int().positive(),
    metric: rankingMetric,
    models: z.array(model),
    /** the model with the best final validation metric (ties: lower validation loss, then model order) */
    best: z.strictObject({
      id: z.string().min(1),
      layer: z.string(),
      head: headSummarySchema,
      value,
      valAccuracy: value,
      testAccuracy: metric,
      testValue: metric,
      /** rows = true class, columns = predicted; on the test split, or validation when there is none */
      confusion: confusionSchema,
      confusionSplit: z.enum(['test', 'val']),
    }),
    visits: z.array(epochVisitsSchema),
    /** grouped learning (`groups: true`): per data group its best model and the shared head's metric */
    groups: groupResultsFullSchema.optional(),
  });
}

/** One model's results in process (`ModelResult` is inferred from it). */
export const modelResultSchema = modelResultWith(z.number());
/** The run's results in process (`TrainOutcome` is inferred from it). */
export const trainOutcomeSchema = trainOutcomeWith(z.number());
/** The run's results as results.json holds them: the in-process outcome with NaN written as null. */
export const trainOutcomeFileSchema = trainOutcomeWith(metric);
export type TrainOutcomeFile = z.infer<typeof trainOutcomeFileSchema>;

/**
 * What the readers of results.json rely on. Loose objects and optional fields: older runs (no
 * `status`, no test metrics) and fields a newer layerlab adds are kept, not refused. The compiler
 * checks the full schema above conforms to it.
 */
export const runResultsSchema = z.looseObject({
  seconds: z.number(),
  classes: z.number().int().positive(),
  models: z.array(
    z.looseObject({
      id: z.string().min(1),
      layer: z.string(),
      featureSet: z.string(),
      label: z.string(),
      head: z.looseObject({ id: z.string(), type: headTypeSchema }),
      status: z.string().optional(),
      trainLoss: metrics,
      valLoss: metrics,
      valAccuracy: metrics,
      finalValue: metric,
      testAccuracy: metric.optional(),
    }),
  ),
  best: z.looseObject({
    id: z.string().min(1),
    confusion: z.array(z.array(z.number())),
    confusionSplit: z.enum(['test', 'val']),
  }),
  groups: groupResultsSchema.optional(),
});

/** The trainer's outcome, as written, conforms to the readers' schema (checked by the compiler). */
const writerConforms: Conforms<TrainOutcomeFile, typeof runResultsSchema> = true;
void writerConforms;

export const RUN_RESULTS_FILE = 'results.json';

/** The results file of the run folder `runDir`. */
export const runResultsPath = (runDir: string) => join(runDir, RUN_RESULTS_FILE);

/** Writes results.json (atomically) when a run finishes. */
export function writeRunResults(runDir: string, outcome: TrainOutcome): void {
  writeRunFile(runDir, RUN_RESULTS_FILE, outcome);
}

/**
 * The one reader of a run's results.json: undefined when the run has not written it (it has not
 * finished), a BAD_DATA error naming the file and the fix when it is damaged.
 */
export function readRunResults(runDir: string): TrainOutcome | undefined {
  const fix = `rebuild it from the run's checkpoints with \`layerlab train --resume ${basename(runDir)}\`, or delete the run folder`;
  // the schema checks what readers rely on; the rest is the trainer's outcome as written (a
  // diverged loss reads as null where `TrainOutcome` says number: readers print it as such)
  return readRunFile(runDir, RUN_RESULTS_FILE, runResultsSchema, fix) as TrainOutcome | undefined;
}

/** The results of a run that must have finished training. */
export function requireRunResults(runDir: string): TrainOutcome {
  const outcome = readRunResults(runDir);
  if (!outcome)
    throw new LayerlabError(
      'BAD_DATA',
      `run ${basename(runDir)} has no results (${runResultsPath(runDir)}); it did not finish training: resume it with \`layerlab train --resume ${basename(runDir)}\``,
    );
  return outcome;
}
