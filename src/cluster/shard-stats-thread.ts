import { parentPort } from 'node:worker_threads';
import type { ShardStatsJob } from './train-jobs.js';
import { shardStatsHere, TrainRowsCache } from './shard-stats-work.js';

/** What the thread posts back for each job: the statistics, or why they failed. */
export type ShardStatsReply = { ok: true; value: unknown } | { ok: false; message: string };

/** A job for the thread (it is terminated by its parent once it has no more). */
export type ShardStatsRequest = { job: ShardStatsJob; home: string };

// one thread per session and shard, for its passes in turn: the train rows the mean pass read stay
// here for the variance pass
const rows = new TrainRowsCache();
parentPort!.on('message', (request: ShardStatsRequest) => {
  try {
    parentPort!.postMessage({
      ok: true,
      value: shardStatsHere(request.job, request.home, rows),
    } satisfies ShardStatsReply);
  } catch (error) {
    parentPort!.postMessage({
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    } satisfies ShardStatsReply);
  }
});
