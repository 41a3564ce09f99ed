import { basename, join } from 'node:path';
import { z } from 'zod';
import { headTypeSchema } from '../../core/contract/shared.js';
import { LayerlabError } from '../../core/errors.js';
import { groupResultsSchema } from './group-results.js';
import { readRunFile } from './read-run-file.js';
import type { TrainOutcome } from '../mop/train-job.js';

/** JSON writes NaN and ±Infinity (a diverged loss) as null. */
const metric = z.number().nullable();
const metrics = z.array(metric);

/**
 * What the readers of results.json rely on (the trainer writes `TrainOutcome`). Loose objects: fields
 * a newer layerlab adds are kept, not refused.
 */
const runResultsSchema = z.looseObject({
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

/** The results file of the run folder `runDir`. */
export const runResultsPath = (runDir: string) => join(runDir, 'results.json');

/**
 * The one reader of a run's results.json: undefined when the run has not written it (it has not
 * finished), a BAD_DATA error naming the file and the fix when it is damaged.
 */
export function readRunResults(runDir: string): TrainOutcome | undefined {
  const fix = `rebuild it from the run's checkpoints with \`layerlab train --resume ${basename(runDir)}\`, or delete the run folder`;
  return readRunFile(runDir, 'results.json', runResultsSchema, fix) as TrainOutcome | undefined;
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
