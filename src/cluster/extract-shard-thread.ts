import { parentPort, workerData } from 'node:worker_threads';
import { isLayerlabError } from '../core/errors.js';
import type { ExtractShardJob } from './extract-shard-job.js';
import { extractShardHere } from './extract-shard-work.js';

/** What the thread posts back: the outcome, or the failure with its error code. */
export type ExtractShardReply =
  | { ok: true; outcome: Awaited<ReturnType<typeof extractShardHere>> }
  | { ok: false; code?: string; message: string };

const { job, host } = workerData as { job: ExtractShardJob; host: { name: string; home: string } };
extractShardHere(job, host).then(
  (outcome) => parentPort!.postMessage({ ok: true, outcome } satisfies ExtractShardReply),
  (error: unknown) =>
    parentPort!.postMessage({
      ok: false,
      ...(isLayerlabError(error) ? { code: error.code } : {}),
      message: error instanceof Error ? error.message : String(error),
    } satisfies ExtractShardReply),
);
