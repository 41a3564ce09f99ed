import type { ShardStatsReply } from './shard-stats-thread.js';
import { threadReply, threadScript } from './thread-reply.js';
import type { ShardStatsJob } from './train-jobs.js';

/**
 * A `shard-stats` job computed in a worker thread of its own, so that the agent's event loop keeps
 * renewing the job's lock and the heartbeat while a large shard's rows are read.
 */
export async function shardStatsInThread(job: ShardStatsJob, home: string): Promise<unknown> {
  const reply = await threadReply<ShardStatsReply>(
    threadScript(import.meta.url, 'shard-stats-thread.js'),
    { job, home },
    'the shard statistics thread',
  );
  if (!reply.ok) throw new Error(reply.message);
  return reply.value;
}
