import type { z } from 'zod';
import type { runMetaSchema } from '../core/contract/runs.js';
import {
  fileSchema,
  matches,
  nonEmpty,
  object,
  oneOf,
  optional,
  positiveInt,
  string,
} from './light-check.js';

/**
 * `run-meta.json`: what a run is, where it runs and how it stands. Its type is the contract's
 * (`runMetaSchema`, which `results --json` prints; a type-only import); the file is checked without
 * zod because `results` lists every run's meta and must start fast. test/train/run-folder.test.ts
 * checks that this check and the contract schema agree.
 */
export type RunMeta = z.output<typeof runMetaSchema>;
export type RunStatus = RunMeta['status'];

const statuses = ['running', 'done', 'failed', 'interrupted'] as const satisfies readonly RunStatus[];
/** ISO 8601 in UTC, as `toISOString` writes it (the contract's `z.iso.datetime()`) */
const timestamp = matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/, 'an ISO 8601 UTC timestamp');

export const runMetaFileSchema = fileSchema<RunMeta>(
  object({
    id: nonEmpty,
    command: nonEmpty,
    model: string,
    data: string,
    store: optional(nonEmpty),
    pid: positiveInt,
    host: string,
    startedAt: timestamp,
    status: oneOf(...statuses),
    endedAt: optional(timestamp),
    error: optional(string),
  } satisfies Record<keyof RunMeta, unknown>),
);
