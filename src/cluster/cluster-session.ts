import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { LayerlabError, interrupted, type ErrorCode } from '../core/errors.js';
import { HEARTBEAT_MS, hostQueue, QUEUE_PREFIX, readHosts, type HostRecord } from './host-record.js';
import { readClusterStore } from './cluster-store.js';
import { redactUrl } from './cluster-url.js';
import { connectRedis } from './redis-connection.js';
import { RedisRestartWatch } from './redis-restart.js';
import { ReplyChannel, type Reply } from './reply-channel.js';
import { isAlive, noHostReason, shardCandidates } from './shard-hosts.js';

/** A host stopped heartbeating (or deregistered) while one of its jobs was awaited. */
export class HostLostError extends Error {
  constructor(readonly host: string) {
    super(`host ${host} stopped heartbeating`);
  }
}

/** The cluster's Redis restarted without its data while a job was awaited: send it again. */
export class JobLostError extends Error {
  constructor(readonly host: string) {
    super(`the cluster's Redis restarted empty and lost a job sent to host ${host}`);
  }
}

const WAIT_LINE_MS = 5_000;

/**
 * A coordinator's connection to the cluster for one run: the hosts as their heartbeats describe them
 * (re-read every heartbeat period), one BullMQ queue per host to send jobs to, and the reply list
 * the hosts answer on. A job awaited on a host that goes silent fails with `HostLostError`, so the
 * caller can send it to a host holding a replica, or wait for the host to come back.
 */
export class ClusterSession {
  private readonly queues = new Map<string, Queue>();
  private readonly awaited = new Map<
    string,
    { host: string; settle: (reply: Reply | HostLostError | JobLostError) => void }
  >();
  private readonly watchers = new Set<(hosts: readonly HostRecord[]) => void>();
  private readonly losses = new Set<() => void>();
  /** how many times the cluster's Redis restarted empty during this session */
  dataLost = 0;
  private hostList: HostRecord[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly unlisten: () => void;
  private seq = 0;
  private closed = false;
  private cancelled = false;

  private constructor(
    readonly id: string,
    readonly store: string,
    /** the cluster store manifest's content digest per shard (none recorded: nothing to compare) */
    readonly digests: readonly string[] | undefined,
    readonly redis: Redis,
    private readonly channel: ReplyChannel,
    private readonly restarts: RedisRestartWatch,
    private readonly log: (message: string) => void,
  ) {
    this.unlisten = channel.listen((reply) => {
      const waiter = this.awaited.get(reply.job);
      if (!waiter) return;
      this.awaited.delete(reply.job);
      waiter.settle(reply);
    });
    this.timer = setInterval(() => void this.refresh().catch(() => {}), HEARTBEAT_MS);
    // back from an outage: look for a restart now, not a tick later (the reply channel reconnects
    // on its own, so the last units can complete, and the run end, before that tick)
    redis.on('ready', () => void this.refresh().catch(() => {}));
  }

  static async open(url: string, store: string, log: (message: string) => void): Promise<ClusterSession> {
    const id = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    const redis = await connectRedis(url);
    const channel = await ReplyChannel.open(url, id).catch((error: unknown) => {
      redis.disconnect();
      throw error;
    });
    const restarts = await RedisRestartWatch.start(redis, id, log, redactUrl(url));
    // a store placed by hand has no manifest; an unreadable one is left to the commands that need it
    const manifest = await readClusterStore(redis, store).catch(() => undefined);
    const session = new ClusterSession(id, store, manifest?.shardDigests, redis, channel, restarts, log);
    await session.refresh();
    return session;
  }

  get hosts(): readonly HostRecord[] {
    return this.hostList;
  }

  /** Hears the host list after every refresh. */
  watch(watcher: (hosts: readonly HostRecord[]) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Hears every reply (duplicates included), whoever awaits it. */
  onReply(listener: (reply: Reply) => void): () => void {
    return this.channel.listen(listener);
  }

  /** Hears that the cluster's Redis restarted empty: what this session had queued there is gone. */
  onDataLost(listener: () => void): () => void {
    this.losses.add(listener);
    return () => this.losses.delete(listener);
  }

  nextJobId(kind: string): string {
    return `${this.id}:${kind}:${this.seq++}`;
  }

  async refresh(): Promise<void> {
    if (this.closed) return;
    const restart = await this.restarts.check();
    if (restart !== 'same') this.restarted(restart);
    this.hostList = await readHosts(this.redis);
    // host records are stale right after an outage (no host could heartbeat): judge none silent yet
    if (this.restarts.settling) return;
    const now = Date.now();
    const alive = new Set(this.hostList.filter((h) => isAlive(h, now)).map((h) => h.name));
    for (const [job, waiter] of this.awaited)
      if (!alive.has(waiter.host)) {
        this.awaited.delete(job);
        waiter.settle(new HostLostError(waiter.host));
      }
    for (const watcher of this.watchers) watcher(this.hostList);
  }

  /**
   * Redis came back with its data: queued jobs, spec and blobs are there, and a job whose lock
   * lapsed meanwhile runs again (its duplicate reply is ignored). It came back empty: awaited jobs are
   * sent again and the session's listeners re-send their units.
   */
  private restarted(restart: 'kept' | 'lost'): void {
    if (restart === 'kept') {
      this.log("the cluster's Redis restarted with its data; queued units stay queued");
      return;
    }
    this.dataLost++;
    this.log(
      "the cluster's Redis restarted empty (no persistence), losing the queued jobs: sending the units in flight again; run redis-server with --appendonly yes so that a restart loses nothing",
    );
    for (const [job, waiter] of this.awaited) {
      this.awaited.delete(job);
      waiter.settle(new JobLostError(waiter.host));
    }
    for (const listener of this.losses) listener();
  }

  private queue(host: string): Queue {
    let queue = this.queues.get(host);
    if (!queue) {
      queue = new Queue(hostQueue(host), { connection: this.redis, prefix: QUEUE_PREFIX });
      queue.on('error', () => {});
      this.queues.set(host, queue);
    }
    return queue;
  }

  /** Adds a job to a host's queue: one try (the coordinator decides about retries), removed when done. */
  async send(host: string, kind: string, job: string, data: object): Promise<void> {
    await this.queue(host).add(kind, data, {
      jobId: job,
      attempts: 1,
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  /** Sends a job and waits for its reply, or for its host to go silent. */
  async request(host: string, kind: string, job: string, data: object): Promise<Reply> {
    const reply = new Promise<Reply | Error>((settle) => this.awaited.set(job, { host, settle }));
    await this.send(host, kind, job, data);
    const result = await reply;
    if (result instanceof Error) throw result;
    return result;
  }

  /**
   * Runs a job on a live host holding `shard`, on another one if that host goes silent, and waits
   * (one status line every few seconds) while none is up. Resolves with the reply's value; a failed
   * job rejects with its error.
   */
  async callShard(
    shard: number,
    kind: string,
    data: (job: string) => object | Promise<object>,
  ): Promise<unknown> {
    for (;;) {
      const host = await this.waitForHost(shard);
      const job = this.nextJobId(kind);
      try {
        const reply = await this.request(host.name, kind, job, await data(job));
        if (reply.ok) return reply.value;
        const message = `host ${reply.host}: ${reply.error}`;
        throw reply.code ? new LayerlabError(reply.code as ErrorCode, message) : new Error(message);
      } catch (error) {
        if (error instanceof JobLostError) continue; // said once for every lost job by `restarted`
        if (!(error instanceof HostLostError)) throw error;
        this.log(`host ${error.host} went silent during ${kind} on shard ${shard}; sending it elsewhere`);
      }
    }
  }

  /** A live host holding `shard` of this session's store, waiting for one when none is up. */
  async waitForHost(shard: number, load?: ReadonlyMap<string, number>): Promise<HostRecord> {
    let lastLine = 0;
    for (;;) {
      if (this.cancelled || this.closed) throw interrupted();
      const now = Date.now();
      const [best] = shardCandidates(this.hostList, this.store, shard, now, load, this.digests);
      if (best) return best;
      if (now - lastLine >= WAIT_LINE_MS) {
        this.log(
          `waiting for a host holding shard ${shard}: ${noHostReason(this.hostList, this.store, shard, now, this.digests)}`,
        );
        lastLine = now;
      }
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS));
      await this.refresh().catch(() => {});
    }
  }

  /** Stops waiting for hosts (a cancelled run). */
  cancel(): void {
    this.cancelled = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.unlisten();
    for (const waiter of this.awaited.values()) waiter.settle(new HostLostError(waiter.host));
    this.awaited.clear();
    await this.restarts.end();
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => {})));
    await this.channel.close(this.redis);
    this.redis.disconnect();
  }
}
