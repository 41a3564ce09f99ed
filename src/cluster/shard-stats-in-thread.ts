import { Worker } from 'node:worker_threads';
import type { ShardStatsReply, ShardStatsRequest } from './shard-stats-thread.js';
import { threadScript } from './thread-reply.js';
import type { ShardStatsJob } from './train-jobs.js';
import type { TrainRows } from '../train/worker/worker-protocol.js';

/** A session's statistics thread is let go after this long without a pass (its coordinator is gone). */
const IDLE_MS = 120_000;

/**
 * One session's statistics thread for one shard: its passes run there in turn, so the train rows
 * the mean pass read are still there for the variance pass. Unref'd: it never holds the agent's
 * exit. It loads no ONNX Runtime, so terminating it is safe.
 */
class StatsThread {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (reply: ShardStatsReply) => void; reject: (error: Error) => void }[] =
    [];
  private failure: Error | undefined;
  private ending = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onIdle: () => void) {
    this.worker = new Worker(threadScript(import.meta.url, 'shard-stats-thread.js'));
    this.worker.unref();
    this.worker.on('message', (reply: ShardStatsReply) => {
      this.waiting.shift()?.resolve(reply);
      if (this.waiting.length > 0) return;
      if (this.ending) void this.worker.terminate();
      else this.idle();
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`the shard statistics thread exited with code ${code}`)),
    );
  }

  run(job: ShardStatsJob, home: string): Promise<ShardStatsReply> {
    if (this.failure) return Promise.reject(this.failure);
    clearTimeout(this.timer);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage({ job, home } satisfies ShardStatsRequest);
    });
  }

  /**
   * No more passes: the thread is terminated once the queued ones are done (its store is closed
   * after each pass), so that it and the rows it kept are gone before the agent's next job.
   */
  end(): void {
    clearTimeout(this.timer);
    this.ending = true;
    if (this.waiting.length === 0) void this.worker.terminate();
  }

  private idle(): void {
    this.timer = setTimeout(this.onIdle, IDLE_MS);
    this.timer.unref();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    clearTimeout(this.timer);
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    this.onIdle();
  }
}

const threads = new Map<string, StatsThread>();

function end(id: string, thread: StatsThread): void {
  if (threads.get(id) !== thread) return;
  threads.delete(id);
  thread.end();
}

/**
 * A `shard-stats` job computed in a worker thread, so that the agent's event loop keeps renewing the
 * job's lock and the heartbeat while a large shard's rows are read. The thread of a session's mean
 * pass on a shard stays for its variance pass (the rows it read with it), then ends; a summary's
 * thread ends with it.
 */
export async function shardStatsInThread(job: ShardStatsJob, home: string): Promise<unknown> {
  const id = `${job.session}#${job.shard}`;
  let thread = threads.get(id);
  if (!thread) {
    const created: StatsThread = new StatsThread(() => end(id, created));
    threads.set(id, created);
    thread = created;
  }
  const running = thread.run(job, home);
  // kept only from a mean pass to its variance pass (a run's summary may be all it asks: `describe`)
  if (job.pass !== 'mean') end(id, thread);
  const reply = await running;
  if (!reply.ok) throw new Error(reply.message);
  if (reply.train && reply.train.length > 0) {
    kept.set(id, { keys: job.keys ?? [], train: reply.train });
    // a session whose units never come here (or whose end is lost) does not keep them for long
    setTimeout(() => kept.delete(id), IDLE_MS).unref();
  }
  return reply.value;
}

/**
 * Train rows the variance passes read, per session and shard, until the session's shard worker
 * takes them (its first unit): the shard's train rows are then read once for the statistics and the
 * worker, as on one host. A session's are dropped when it ends.
 */
const kept = new Map<string, { keys: readonly string[]; train: TrainRows[] }>();

/** The train rows a session's variance pass read on this shard, for these feature sets, once. */
export function takeKeptTrainRows(
  session: string,
  shard: number,
  keys: readonly string[],
): TrainRows[] | undefined {
  const id = `${session}#${shard}`;
  const found = kept.get(id);
  kept.delete(id);
  if (!found || found.keys.join(',') !== keys.join(',')) return undefined;
  return found.train;
}

/** Ends a session's statistics threads (its coordinator closed it). */
export function releaseSessionStats(session: string): void {
  for (const [id, thread] of threads) if (id.startsWith(`${session}#`)) end(id, thread);
  for (const id of kept.keys()) if (id.startsWith(`${session}#`)) kept.delete(id);
}
