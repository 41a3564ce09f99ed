import { configError } from '../core/errors.js';
import type { TrainJob } from './train-job.js';

const positiveInt = (n: number) => Number.isInteger(n) && n > 0;

/** Rejects jobs the trainer cannot run, with one line naming the bad setting. */
export function validateJob(job: TrainJob): void {
  if (job.featureSets.length === 0)
    throw configError('no feature sets to train on; select layers with --layers');
  if (job.heads.length === 0) throw configError('no heads to train; give at least one head configuration');
  if (!positiveInt(job.epochs)) throw configError(`epochs must be a positive integer, got ${job.epochs}`);
  if (!positiveInt(job.workers)) throw configError(`workers must be a positive integer, got ${job.workers}`);
  if (!Number.isInteger(job.seed)) throw configError(`seed must be an integer, got ${job.seed}`);
  for (const head of job.heads) {
    if (head.type !== 'linear' || head.optimizer !== 'sgd') {
      throw configError(
        `head type ${String(head.type)} with optimizer ${String(head.optimizer)} is not supported yet; use linear with sgd`,
      );
    }
    if (!positiveInt(head.batchSize))
      throw configError(`batchSize must be a positive integer, got ${head.batchSize}`);
    if (!(head.lr > 0) || !Number.isFinite(head.lr))
      throw configError(`lr must be a positive number, got ${head.lr}`);
    if (!(head.l2 >= 0) || !Number.isFinite(head.l2))
      throw configError(`l2 must be zero or positive, got ${head.l2}`);
    if (!(head.momentum >= 0 && head.momentum < 1))
      throw configError(`momentum must be in [0, 1), got ${head.momentum}`);
  }
}
