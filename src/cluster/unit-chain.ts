import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { hostQueue, QUEUE_PREFIX } from './host-record.js';
import { assignKey, chainJobId, chainMarkKey, sessionAliveKey, type TrainUnitJob } from './train-jobs.js';
import type { BlobRef } from './wire.js';

const MARK_TTL_S = 24 * 3600;

/** one BullMQ queue per host this process chains units to, on its agent's connection */
const queues = new Map<string, Queue>();

function queueOf(redis: Redis, host: string): Queue {
  let queue = queues.get(host);
  if (!queue) {
    queue = new Queue(hostQueue(host), { connection: redis, prefix: QUEUE_PREFIX });
    queue.on('error', () => {});
    queues.set(host, queue);
  }
  return queue;
}

/** Whether the session's coordinator is alive (it renews the key every heartbeat). */
export const sessionAlive = async (redis: Redis, session: string): Promise<boolean> =>
  (await redis.exists(sessionAliveKey(session))) === 1;

/**
 * The host side of units dispatched ahead (docs/cluster.md): when a unit ends, its host queues the
 * group's next unit itself on the host the coordinator assigned that shard to, starting from the
 * state this unit just stored, so the next unit does not wait for the coordinator's round trip.
 * Nothing is queued before its state exists, so a queued unit never holds a slot waiting for a
 * predecessor (no deadlock when one host serves several shards after a failover). A once-per-version
 * mark keeps a duplicate run (BullMQ is at least once) from chaining the unit again. Returns the
 * host it queued the unit on, or undefined when it did not: the coordinator is gone, the shard has no
 * live host now, or another run chained it (the coordinator then sends the unit itself if needed).
 */
export async function chainNext(
  redis: Redis,
  job: TrainUnitJob,
  state: BlobRef,
): Promise<string | undefined> {
  const [next, ...rest] = job.chain ?? [];
  if (!next) return undefined;
  const found = await redis
    .multi()
    .exists(sessionAliveKey(job.session))
    .hget(assignKey(job.session), String(next.worker))
    .exec();
  const alive = found?.[0]?.[1] === 1;
  const host = found?.[1]?.[1];
  if (!alive || typeof host !== 'string') return undefined;
  const marked = await redis.set(chainMarkKey(job.session, next.unit), host, 'EX', MARK_TTL_S, 'NX');
  if (marked !== 'OK') return undefined;
  const payload: TrainUnitJob = {
    session: job.session,
    job: chainJobId(job.session, next.unit),
    shard: next.worker,
    unit: next.unit,
    attempt: 1,
    batchSize: job.batchSize,
    group: job.group,
    state,
    hyper: job.hyper,
    ...(next.fault ? { fault: next.fault } : {}),
    ...(rest.length > 0 ? { chain: rest } : {}),
    chained: true,
  };
  try {
    await queueOf(redis, host).add('train-unit', payload, {
      jobId: payload.job,
      attempts: 1,
      removeOnComplete: true,
      removeOnFail: true,
    });
  } catch {
    // not queued: the coordinator sends it (and a retry of this unit may chain it)
    await redis.del(chainMarkKey(job.session, next.unit)).catch(() => {});
    return undefined;
  }
  return host;
}

/** Closes the queues this process chained units to (the agent drains). */
export async function closeChainQueues(): Promise<void> {
  const all = [...queues.values()];
  queues.clear();
  await Promise.all(all.map((q) => q.close().catch(() => {})));
}
