export { train } from './mop/train.js';
export type { TrainOptions } from './mop/train.js';
export type { TrainJob, TrainOutcome, ModelResult, EpochVisits, GroupVisits } from './mop/train-job.js';
export { headLabel, headSummary, resolveHead, shortNumber } from './heads/head-config.js';
export type { HeadConfig, LinearHeadConfig, MlpHeadConfig, ResolvedHead } from './heads/head-config.js';
export { readModelState, readSnapshot } from './run-folder/run-snapshot.js';
export type { RunProgress } from './run-folder/run-snapshot.js';
export type { ModelRecord, ModelStatus } from './mop/model-record.js';
export type { ModelState } from './heads/head-state.js';
