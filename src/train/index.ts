export { train } from './train.js';
export type { TrainOptions } from './train.js';
export type { TrainJob, TrainOutcome, ModelResult, GroupSummary } from './train-job.js';
export { headLabel, headSummary, shortNumber } from './head-config.js';
export type { HeadConfig, LinearHeadConfig } from './head-config.js';
export { readCheckpoint, checkpointPath } from './checkpoint.js';
export type { CheckpointHeader } from './checkpoint.js';
