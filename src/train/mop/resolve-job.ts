import { configError } from '../../core/errors.js';
import type { RankingMetric } from '../../core/result.js';
import { DEFAULT_MAX_GROUP_BYTES } from './fused-groups.js';
import { DEFAULT_MIN_GROUP_RECORDS } from './group-plan.js';
import { resolveHead, type ResolvedHead } from '../heads/head-config.js';
import { validateHead } from '../search/head-values.js';
import type { TrainJob } from './train-job.js';

/** A job with every default applied and its model list spelled out (DESIGN: defaults in one place). */
export interface ResolvedTrainJob {
  storeDir: string;
  featureSets: { key: string; layer: string }[];
  models: { featureSet: string; layer: string; head: ResolvedHead }[];
  epochs: number;
  workers: number;
  seed: number;
  metric: RankingMetric;
  halving: number | undefined;
  maxGroupBytes: number;
  groups: boolean;
  minGroupRecords: number;
}

const positiveInt = (n: number) => Number.isInteger(n) && n > 0;

/** Applies defaults and rejects jobs the trainer cannot run, with one line naming the bad setting. */
export function resolveJob(job: TrainJob): ResolvedTrainJob {
  if (job.featureSets.length === 0)
    throw configError('no feature sets to train on; select layers with --layers');
  if (!positiveInt(job.epochs)) throw configError(`epochs must be a positive integer, got ${job.epochs}`);
  if (!positiveInt(job.workers)) throw configError(`workers must be a positive integer, got ${job.workers}`);
  if (!Number.isInteger(job.seed)) throw configError(`seed must be an integer, got ${job.seed}`);
  if (
    job.minGroupRecords !== undefined &&
    !(Number.isInteger(job.minGroupRecords) && job.minGroupRecords >= 1)
  )
    throw configError(`the minimum group size must be a positive integer, got ${job.minGroupRecords}`);
  if (job.halving !== undefined && !(Number.isInteger(job.halving) && job.halving >= 2))
    throw configError(`halving must be an integer η ≥ 2, got ${job.halving}`);
  const layerOf = new Map(job.featureSets.map((s) => [s.key, s.layer]));
  const pairs =
    job.models ?? job.featureSets.flatMap((set) => job.heads.map((head) => ({ featureSet: set.key, head })));
  if (pairs.length === 0) throw configError('no heads to train; give at least one head configuration');
  const models = pairs.map(({ featureSet, head }) => {
    const layer = layerOf.get(featureSet);
    if (layer === undefined)
      throw configError(`model on feature set ${featureSet}, which the job does not list`);
    const resolved = resolveHead(head);
    validateHead(resolved);
    return { featureSet, layer, head: resolved };
  });
  return {
    storeDir: job.storeDir,
    featureSets: job.featureSets,
    models,
    epochs: job.epochs,
    workers: job.workers,
    seed: job.seed,
    metric: job.metric ?? 'accuracy',
    halving: job.halving,
    maxGroupBytes: job.maxGroupBytes ?? DEFAULT_MAX_GROUP_BYTES,
    groups: job.groups ?? false,
    minGroupRecords: job.minGroupRecords ?? DEFAULT_MIN_GROUP_RECORDS,
  };
}
