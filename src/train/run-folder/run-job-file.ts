import { basename } from 'node:path';
import { z } from 'zod';
import { isLayerlabError, LayerlabError } from '../../core/errors.js';
import { readRunFile, writeRunFile, type Conforms } from '../../store/run-file.js';
import type { TrainJob } from '../mop/train-job.js';

/**
 * run.json: the job a run trains, written when training starts. The schema states what readers rely
 * on (loose: a newer layerlab's extra fields are kept); the compiler checks that what the writer
 * writes conforms to it.
 */
export const runJobFileSchema = z.looseObject({
  job: z.looseObject({
    storeDir: z.string().min(1),
    featureSets: z.array(z.looseObject({ key: z.string(), layer: z.string() })),
    heads: z.array(z.unknown()),
    epochs: z.number().int().positive(),
    workers: z.number().int().positive(),
    seed: z.number(),
  }),
  seed: z.number().optional(),
  startedAt: z.string().optional(),
});

interface RunJobFile {
  job: TrainJob;
  seed: number;
  startedAt: string;
}
const writerConforms: Conforms<RunJobFile, typeof runJobFileSchema> = true;
void writerConforms;

export const RUN_JOB_FILE = 'run.json';

/** Writes run.json (atomically) as a run starts. */
export function writeRunJob(runDir: string, job: TrainJob): void {
  writeRunFile(runDir, RUN_JOB_FILE, {
    job,
    seed: job.seed,
    startedAt: new Date().toISOString(),
  } satisfies RunJobFile);
}

/** The job of a run (run.json); a BAD_DATA error naming the file when it is missing or damaged. */
export function readRunJob(runDir: string): TrainJob {
  const fix = 'the run cannot be resumed or reused: delete the run folder and train again';
  const file = readRunFile(runDir, RUN_JOB_FILE, runJobFileSchema, fix);
  if (!file)
    throw new LayerlabError(
      'BAD_DATA',
      `run ${basename(runDir)} has no run.json; it did not start training: start a new run with \`layerlab train\``,
    );
  return file.job as unknown as TrainJob;
}

/**
 * run.json's job as far as it can be read, for views (the UI lists whatever fields are there while
 * a run starts): undefined when the file is missing or damaged.
 */
export function peekRunJob(runDir: string): Record<string, unknown> | undefined {
  try {
    return readRunFile(runDir, RUN_JOB_FILE, z.looseObject({ job: z.record(z.string(), z.unknown()) }), '')
      ?.job;
  } catch (error) {
    if (isLayerlabError(error)) return undefined;
    throw error;
  }
}
