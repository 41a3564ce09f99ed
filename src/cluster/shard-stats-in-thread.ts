import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ShardStatsReply } from './shard-stats-thread.js';
import type { ShardStatsJob } from './train-jobs.js';

/** The thread's compiled script (a test running this file from src/ uses the build's). */
function threadScript(): URL {
  const from = import.meta.url;
  const url = from.endsWith('.ts')
    ? new URL('../../dist/src/cluster/shard-stats-thread.js', from)
    : new URL('./shard-stats-thread.js', from);
  if (!existsSync(fileURLToPath(url)))
    throw new Error(`${fileURLToPath(url)} is missing; run \`npm run build\` first`);
  return url;
}

/**
 * A `shard-stats` job computed in a worker thread of its own, so that the agent's event loop keeps
 * renewing the job's lock and the heartbeat while a large shard's rows are read.
 */
export function shardStatsInThread(job: ShardStatsJob, home: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(threadScript(), { workerData: { job, home } });
    let settled = false;
    const settle = (act: () => void) => {
      if (settled) return;
      settled = true;
      act();
    };
    worker.once('message', (reply: ShardStatsReply) =>
      settle(() => (reply.ok ? resolve(reply.value) : reject(new Error(reply.message)))),
    );
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`the shard statistics thread exited with code ${code}`))),
    );
  });
}
