import { parentPort, workerData } from 'node:worker_threads';
import type { ShardStatsJob } from './train-jobs.js';
import { shardStatsHere } from './shard-stats-work.js';

/** What the thread posts back: the statistics, or why they failed. */
export type ShardStatsReply = { ok: true; value: unknown } | { ok: false; message: string };

const { job, home } = workerData as { job: ShardStatsJob; home: string };
try {
  parentPort!.postMessage({ ok: true, value: shardStatsHere(job, home) } satisfies ShardStatsReply);
} catch (error) {
  parentPort!.postMessage({
    ok: false,
    message: error instanceof Error ? error.message : String(error),
  } satisfies ShardStatsReply);
}
