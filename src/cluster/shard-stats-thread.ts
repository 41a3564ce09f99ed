import { parentPort } from 'node:worker_threads';
import type { ShardStatsJob } from './train-jobs.js';
import { shardStatsHere, TrainRowsCache } from './shard-stats-work.js';
import { trainRowBuffers, type TrainRows } from '../train/worker/worker-protocol.js';

/**
 * What the thread posts back for each job: the statistics, or why they failed. A variance pass also
 * moves out the train rows it kept (the thread ends after it), for the session's shard worker.
 */
export type ShardStatsReply =
  { ok: true; value: unknown; train?: TrainRows[] } | { ok: false; message: string };

/** A job for the thread (it is terminated by its parent once it has no more). */
export type ShardStatsRequest = { job: ShardStatsJob; home: string };

// one thread per session and shard, for its passes in turn: the train rows the mean pass read stay
// here for the variance pass
const rows = new TrainRowsCache();
parentPort!.on('message', (request: ShardStatsRequest) => {
  try {
    const value = shardStatsHere(request.job, request.home, rows);
    if (request.job.pass !== 'variance') {
      parentPort!.postMessage({ ok: true, value } satisfies ShardStatsReply);
      return;
    }
    const train = rows.handOver(request.job.keys ?? []);
    parentPort!.postMessage({ ok: true, value, train } satisfies ShardStatsReply, trainRowBuffers(train));
  } catch (error) {
    rows.clear();
    parentPort!.postMessage({
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    } satisfies ShardStatsReply);
  }
});
