import type { Redis } from 'ioredis';
import { isLayerlabError } from '../core/errors.js';
import { HostShards, hostShardInit } from './host-shards.js';
import { pushReply, replyKey } from './reply-channel.js';
import {
  sessionKey,
  type ShardStatsJob,
  type TrainEndJob,
  type TrainEvalJob,
  type TrainEvalReply,
  type TrainSessionSpec,
  type TrainUnitJob,
  type TrainUnitsJob,
  type TrainUnitReply,
} from './train-jobs.js';
import type { UnitHost } from './unit-kinds.js';
import { stateBuffers } from '../train/heads/group-state.js';
import type { EvaluationResult, TrainUnitResult } from '../train/worker/unit-runner.js';
import { releaseSessionStats, shardStatsInThread, takeKeptTrainRows } from './shard-stats-in-thread.js';
import { wallMs } from './unit-trace.js';
import { HostStateCache } from './host-state-cache.js';
import { unitKey } from '../train/transport/messages.js';
import { HandoffWaiter, handoffCode, handoffKey, isHandoff, queueHandoff } from './state-handoff.js';
import {
  f64ToWire,
  getState,
  i32ToWire,
  prepareState,
  queueBlob,
  stateScope,
  type BlobRef,
  type PreparedBlob,
} from './wire.js';

const shards = new HostShards();
/** the group states this host made or read lately: the next unit of a group here needs no fetch */
const states = new HostStateCache();
/** per agent connection, the connections its units wait for handed-over states on */
const waiters = new Map<Redis, HandoffWaiter>();

/** Stops this process's shard workers (the agent drains) and closes its hand-off connections. */
export const releaseTrainShards = async (): Promise<void> => {
  for (const waiter of waiters.values()) waiter.close();
  waiters.clear();
  await shards.releaseAll();
};

function waiterOf(redis: Redis): HandoffWaiter {
  let waiter = waiters.get(redis);
  if (!waiter) waiters.set(redis, (waiter = new HandoffWaiter(redis)));
  return waiter;
}

function redisOf(host: UnitHost): Redis {
  if (!host.redis) throw new Error('training units need the host agent’s Redis connection');
  return host.redis;
}

async function readSpec(redis: Redis, session: string): Promise<TrainSessionSpec> {
  const json = await redis.get(sessionKey(session));
  if (!json) throw new Error(`training session ${session} is over (its coordinator closed it)`);
  return JSON.parse(json) as TrainSessionSpec;
}

/**
 * A reply value that names blobs: they are stored in the reply's own transaction, and so is the
 * hand-over of a unit's new state to a host waiting for it.
 */
class WithBlobs {
  constructor(
    readonly value: unknown,
    readonly blobs: PreparedBlob[],
    readonly handoff?: { key: string; state: BlobRef },
  ) {}
}

/**
 * Runs a job's work and pushes its reply to the coordinator's list, success or failure; a failure
 * is rethrown so BullMQ records the job as failed too.
 */
async function replying(host: UnitHost, job: { session: string; job: string }, work: () => unknown) {
  const redis = redisOf(host);
  const key = replyKey(job.session);
  try {
    const done = await work();
    const { value, blobs, handoff } = done instanceof WithBlobs ? done : { value: done, blobs: [] };
    await pushReply(redis, key, { job: job.job, ok: true, value, host: host.name }, (commands) => {
      const stored = blobs.reduce(queueBlob, commands);
      return handoff ? queueHandoff(stored, handoff.key, handoff.state) : stored;
    });
    return { replied: true };
  } catch (raw) {
    const error = raw instanceof Error ? raw : new Error(String(raw));
    const code = isLayerlabError(error) ? error.code : handoffCode(error);
    await pushReply(redis, key, {
      job: job.job,
      ok: false,
      error: error.message,
      ...(code ? { code } : {}),
      host: host.name,
    });
    throw error;
  }
}

/**
 * A session's first unit here also stops the shard workers of sessions that are over (their spec is
 * gone from Redis: the coordinator closed them) and whose `train-end` did not come (lost with a
 * Redis restart, or an older coordinator): a long-lived host serves one session after another.
 */
function releaseEnded(redis: Redis, session: string): void {
  if (shards.has(session)) return;
  for (const other of shards.sessions())
    void redis
      .exists(sessionKey(other))
      .then((live) => (live === 0 ? shards.releaseSession(other) : 0))
      .catch(() => {});
}

function onShard<T>(host: UnitHost, session: string, shard: number, work: Parameters<HostShards['run']>[3]) {
  const redis = redisOf(host);
  releaseEnded(redis, session);
  return shards.run(
    session,
    shard,
    async () => {
      const init = hostShardInit(host.home, await readSpec(redis, session), shard);
      const keys = init.featureSets.map((set) => set.key);
      return { init, train: takeKeptTrainRows(session, shard, keys) };
    },
    work,
  ) as Promise<T>;
}

/**
 * `train-units`: a worker's units sent together, in plan order. Each is taken up (its state read,
 * or its wait for a hand-over begun) once the one before it starts in the shard's thread: as if sent
 * alone, one unit ahead, so that a chained unit's wait is about one unit long however many a job
 * holds. Each replies as its own unit; the job fails, with their errors, when any did.
 */
export async function trainUnits(data: unknown, host: UnitHost): Promise<unknown> {
  const { units } = data as TrainUnitsJob;
  const outcomes: Promise<unknown>[] = [];
  for (const unit of units)
    await new Promise<void>((started) => {
      const outcome = trainUnit(unit, host, started);
      // ended without starting (it failed): the next one goes anyway
      void outcome.catch(() => undefined).finally(started);
      outcomes.push(outcome);
    });
  const failed = (await Promise.allSettled(outcomes)).flatMap((o) =>
    o.status === 'rejected' ? [o.reason instanceof Error ? o.reason.message : String(o.reason)] : [],
  );
  if (failed.length > 0)
    throw new Error(`${failed.length} of ${units.length} units failed: ${failed.join('; ')}`);
  return { units: units.length };
}

/**
 * `train-unit`: one group's pass over this host's shard, from the state the job carries. `started`
 * is called once the unit starts in the shard's thread (not if it fails before).
 */
export async function trainUnit(data: unknown, host: UnitHost, started?: () => void): Promise<unknown> {
  const received = wallMs();
  const job = data as TrainUnitJob;
  const redis = redisOf(host);
  // taken before anything is awaited: the shard's thread gets its units in the order they came. A
  // chained unit takes its place when its state is handed over instead: waiting, it holds no unit
  // back, so a retry of the unit it waits on (sent after it) is not queued behind it (a cycle)
  let turn = isHandoff(job.state) ? undefined : shards.turn(job.session, job.shard);
  return replying(host, job, async () => {
    let posted: Promise<{ result: TrainUnitResult; seconds: number }>;
    let handedOver: number;
    let stateIn: number;
    try {
      // kill -9 of a host mid-unit, for the fault tests; a host honours it only when told to by its env
      if (job.fault === 'exit' && process.env.LAYERLAB_TEST_FAULTS === '1')
        process.kill(process.pid, 'SIGKILL');
      // chained: the state the group's previous unit hands over, the moment it ends on its host
      const input = isHandoff(job.state) ? await waiterOf(redis).wait(job.session, job.state) : job.state;
      const place = (turn ??= shards.turn(job.session, job.shard));
      handedOver = wallMs();
      const [state, hyper] = await Promise.all([states.state(redis, input), getState(redis, job.hyper)]);
      stateIn = wallMs();
      await place.ready;
      posted = onShard(host, job.session, job.shard, (pool) => {
        // moved, not copied, into the thread: this handler has no further use for them
        const request = pool.worker(0).request(
          'train',
          {
            epoch: job.unit.epoch,
            batchSize: job.batchSize,
            group: job.group,
            state,
            hyper,
            ...(job.fault ? { fault: 'throw' as const } : {}),
          },
          [...stateBuffers(state), ...stateBuffers(hyper)],
        );
        place.done();
        // every unit's request is recorded, so that the next one knows when the thread gets to it
        const startsAt = shards.startsAfter(job.session, job.shard, request);
        if (started) void startsAt.then(started);
        return request;
      });
    } finally {
      // posted, or failed before it: the next unit of the shard goes
      if (turn) void turn.ready.then(turn.done);
    }
    const { result, seconds } = await posted;
    const threadDone = wallMs();
    // by reference, in the group's scope: its coordinator deletes it once the next unit consumed it;
    // stored in the reply's transaction (one round trip, and no reply without its state)
    const out = prepareState(result.state, {
      scope: stateScope(job.session, job.unit.group),
      inlineMax: 0,
    });
    states.keep(out.ref, out.bytes);
    const reply: TrainUnitReply = {
      state: out.ref,
      lossSum: f64ToWire(result.lossSum),
      correct: f64ToWire(result.correct),
      steps: result.steps,
      examples: result.examples,
      seconds,
      trace: { received, handedOver, stateIn, threadDone, stateOut: wallMs() },
    };
    return new WithBlobs(reply, [out], {
      key: handoffKey(job.session, unitKey(job.unit)),
      state: out.ref,
    });
  });
}

/** `train-eval`: every group of the job on this host's part of a split. */
export async function trainEval(data: unknown, host: UnitHost): Promise<unknown> {
  const job = data as TrainEvalJob;
  const redis = redisOf(host);
  return replying(host, job, async () => {
    const groups = await Promise.all(
      job.groups.map(async (g) => ({
        featureSet: g.featureSet,
        stacks: g.stacks,
        state: await getState(redis, g.state),
      })),
    );
    const { results } = await onShard<{
      results: EvaluationResult[];
    }>(host, job.session, job.shard, (pool) =>
      pool.worker(0).request('evaluate', { split: job.split, groups }),
    );
    const reply: TrainEvalReply = results.map((r) => ({
      lossSum: f64ToWire(r.lossSum),
      correct: f64ToWire(r.correct),
      count: r.count,
      confusion: i32ToWire(r.confusion),
    }));
    return reply;
  });
}

/**
 * `train-end`: the coordinator closed its session; its shard workers here stop now, not when idle.
 * No reply: the session's reply list is gone (a push would make it again, for a day).
 */
export async function trainEnd(data: unknown): Promise<unknown> {
  const job = data as TrainEndJob;
  releaseSessionStats(job.session);
  return { released: await shards.releaseSession(job.session) };
}

/**
 * `shard-stats`: what the coordinator plans with, computed where the shard is, in a worker thread
 * (shard-stats-work.ts): reading a large shard's rows would otherwise hold the agent's event loop for
 * seconds, its BullMQ lock (4 s) would lapse and its heartbeat stop, and the coordinator would send
 * the job elsewhere again and again, taking a busy host for a dead one.
 */
export async function shardStats(data: unknown, host: UnitHost): Promise<unknown> {
  const job = data as ShardStatsJob;
  return replying(host, job, () => shardStatsInThread(job, host.home));
}
