export { train } from './train.js';
export type { TrainOptions } from './train.js';
export type { TrainJob, TrainOutcome, ModelResult, EpochVisits, GroupVisits } from './train-job.js';
export { headLabel, headSummary, resolveHead, shortNumber } from './head-config.js';
export type { HeadConfig, LinearHeadConfig, MlpHeadConfig, ResolvedHead } from './head-config.js';
export { readModelState, readSnapshot } from './run-snapshot.js';
export type { RunProgress } from './run-snapshot.js';
export type { ModelRecord, ModelStatus } from './model-record.js';
export type { ModelState } from './head-state.js';
