import type { z } from 'zod';
import type { trainJobSchema } from '../run-folder/run-job-file.js';
import type { epochVisitsSchema, groupVisitsSchema } from '../run-folder/run-visits.js';
import type { modelResultSchema, trainOutcomeSchema } from '../run-folder/run-results.js';

/*
 * The trainer's job and outcome are the run folder's files (run.json, visits.json, results.json):
 * their types are inferred from the files' zod schemas in run-folder/, so the writer and every
 * reader share one definition. Type-only imports: nothing here loads zod at run time.
 */

/**
 * A training job, resolved and structured-clone safe (run.json's `job`). The models are `models`
 * when given (e.g. drawn by random search), else every feature set × every head (a grid).
 * @example
 * { storeDir, featureSets: [{ key, layer: 'block2/relu' }], epochs: 5, workers: 2, seed: 1,
 *   heads: [{ type: 'linear', lr: 0.1, l2: 1e-4, batchSize: 64, momentum: 0.9, optimizer: 'sgd' }] }
 */
export type TrainJob = z.infer<typeof trainJobSchema>;

/** One trained model's history and final metrics (results.json `models[]`), in process. */
export type ModelResult = z.infer<typeof modelResultSchema>;

/** One group of one epoch as visits.json records it: enough to replay the run sequentially. */
export type GroupVisits = z.infer<typeof groupVisitsSchema>;

export type EpochVisits = z.infer<typeof epochVisitsSchema>;

/**
 * The run's results (results.json), in process: metrics are numbers (NaN when diverged); on disk
 * JSON writes NaN as null (`TrainOutcomeFile`, run-folder/run-results.ts).
 */
export type TrainOutcome = z.infer<typeof trainOutcomeSchema>;
