import { basename } from 'node:path';
import { z } from 'zod';
import { isLayerlabError, LayerlabError } from '../../core/errors.js';
import { readRunFile, writeRunFile, type Conforms } from '../../store/run-file.js';
import { rankingMetric } from '../../core/contract/shared.js';
import type { HeadConfig } from '../heads/head-config.js';
import type { TrainJob } from '../mop/train-job.js';

const headBase = {
  lr: z.number(),
  /** L2 penalty on weights (not biases) */
  l2: z.number(),
  batchSize: z.number(),
  optimizer: z.enum(['sgd', 'adam']),
  momentum: z.number(),
  lrSchedule: z.enum(['constant', 'cosine']).optional(),
  classWeight: z.enum(['none', 'balanced']).optional(),
};

/**
 * A head as a job states it (heads/head-config.ts `HeadConfig`, whose comments give the meaning and
 * defaults). Values are checked by validateHead when the job is resolved, not here: the schema
 * states the shape. Plain (not strict) objects: `train` passes searched heads already resolved
 * (search/head-values.ts, a linear head with `hidden: []` and `dropout: 0`), and run.json keeps them so.
 */
export const headConfigSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('linear'), ...headBase }),
  z.object({
    type: z.literal('mlp'),
    ...headBase,
    hidden: z.array(z.number()),
    dropout: z.number().optional(),
  }),
  z.object({ type: z.literal('ridge'), ...headBase }),
]);

/** The interface and the schema state the same head (checked both ways by the compiler). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const headConfigSame: Same<z.infer<typeof headConfigSchema>, HeadConfig> = true;
void headConfigSame;

/** run.json's `job` in full: the job as the trainer takes it (`TrainJob` is inferred from it). */
export const trainJobSchema = z.object({
  storeDir: z.string().min(1),
  /** the feature sets this run reads (models, and configurations added while it runs, use them) */
  featureSets: z.array(z.object({ key: z.string(), layer: z.string() })),
  heads: z.array(headConfigSchema),
  models: z.array(z.object({ featureSet: z.string(), head: headConfigSchema })).optional(),
  epochs: z.number().int().positive(),
  /** one shard and one worker thread each */
  workers: z.number().int().positive(),
  seed: z.number(),
  /** the validation metric models are ranked (and halved) by @default 'accuracy' */
  metric: rankingMetric.optional(),
  /** successive halving's reduction factor η (keep the top 1/η per rung); off when absent */
  halving: z.number().optional(),
  /** memory budget of one fused group's training step, in bytes @default DEFAULT_MAX_GROUP_BYTES */
  maxGroupBytes: z.number().optional(),
  /**
   * grouped learning: also train every model once per data group of the store (one scan per batch
   * for all groups), beside the shared models
   */
  groups: z.boolean().optional(),
  /** grouped learning: groups with fewer train records are skipped @default DEFAULT_MIN_GROUP_RECORDS */
  minGroupRecords: z.number().optional(),
});

/** run.json in full, as the trainer writes it. */
export const runJobFullSchema = z.object({ job: trainJobSchema, seed: z.number(), startedAt: z.string() });
type RunJobFile = z.infer<typeof runJobFullSchema>;

/**
 * run.json: the job a run trains, written when training starts. This reader schema states what
 * readers rely on (loose: a newer layerlab's extra fields are kept); the compiler checks that the
 * full schema above conforms to it.
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
