import { basename } from 'node:path';
import { z } from 'zod';
import { LayerlabError } from '../../core/errors.js';
import { readRunFile } from './read-run-file.js';
import type { TrainJob } from '../mop/train-job.js';

/** What the readers of run.json rely on (train.ts writes `{ job }`). */
const runJobSchema = z.looseObject({
  job: z.looseObject({
    storeDir: z.string().min(1),
    featureSets: z.array(z.looseObject({ key: z.string(), layer: z.string() })),
    heads: z.array(z.unknown()),
    epochs: z.number().int().positive(),
    workers: z.number().int().positive(),
    seed: z.number(),
  }),
});

/** The job of a run (run.json); a BAD_DATA error naming the file when it is missing or damaged. */
export function readRunJob(runDir: string): TrainJob {
  const fix = 'the run cannot be resumed or reused: delete the run folder and train again';
  const file = readRunFile(runDir, 'run.json', runJobSchema, fix) as { job: TrainJob } | undefined;
  if (!file)
    throw new LayerlabError(
      'BAD_DATA',
      `run ${basename(runDir)} has no run.json; it did not start training: start a new run with \`layerlab train\``,
    );
  return file.job;
}
