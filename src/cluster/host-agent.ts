import { statfsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { layerlabVersion } from '../core/package-version.js';
import { redactSecrets, redactUrl } from './cluster-url.js';
import { heldShards } from './held-shards.js';
import {
  HEARTBEAT_MS,
  hostQueue,
  QUEUE_PREFIX,
  removeHost,
  writeHost,
  type HostRecord,
} from './host-record.js';
import { connectRedis } from './redis-connection.js';
import { HeldShardDigests } from './shard-digest.js';
import { unitHandler } from './unit-kinds.js';
import { HostPermits } from './host-permits.js';
import { UNITS_AHEAD, type TrainUnitsJob } from './train-jobs.js';

/**
 * BullMQ lock settings for units of 0.1–10 s. The lock is renewed by this process's event loop every
 * `LOCK_MS / 2` (training runs in worker threads, so the loop stays free); a host that dies stops
 * renewing, and its unit is found stalled within `LOCK_MS + STALLED_CHECK_MS` and runs again.
 * BullMQ's defaults (30 s) would leave a coordinator waiting far longer than a unit takes.
 */
export const LOCK_MS = 4_000;
export const STALLED_CHECK_MS = 2_000;

/**
 * Training units take a BullMQ slot without a permit: a shard's next units are fetched, their states
 * read and posted to the shard's thread while the unit before them runs there (the coordinator sends
 * them ahead), so the thread goes from one to the next without waiting for Redis. Every other kind
 * holds one of the host's `workers` permits while it runs.
 */
const UNPERMITTED = new Set(['train-unit', 'train-units', 'train-end']);

/** One line the host agent prints (NDJSON under `--json`). */
export type WorkerLine =
  | { type: 'worker.start'; host: string; workers: number; queue: string; cluster: string; version: string }
  | {
      type: 'worker.unit';
      host: string;
      job: string;
      kind: string;
      ok: boolean;
      seconds: number;
      error?: string;
    }
  | { type: 'worker.stop'; host: string; units: number };

export interface HostAgentOptions {
  url: string;
  home: string;
  name: string;
  workers: number;
  print: (line: WorkerLine) => void;
}

function freeDisk(home: string): number {
  const stats = statfsSync(home);
  return stats.bavail * stats.bsize;
}

/**
 * `layerlab worker`: a long-lived host agent. It registers itself (name, cores, free disk, version,
 * shards held) and heartbeats, takes units from its own BullMQ queue, `workers` at a time (and a
 * training unit ready behind each), and
 * prints one line per unit. `drain()` lets running units finish, then deregisters and disconnects.
 */
export class HostAgent {
  private units = 0;
  /** whether a training kind ran here (its shard workers must be stopped on drain) */
  private trained = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private readonly digests = new HeldShardDigests();
  private readonly permits: HostPermits;

  private constructor(
    private readonly options: HostAgentOptions,
    private readonly redis: Redis,
    private readonly worker: Worker,
  ) {
    this.heartbeat = setInterval(() => void this.register().catch(() => {}), HEARTBEAT_MS);
    this.permits = new HostPermits(options.workers);
  }

  static async start(options: HostAgentOptions): Promise<HostAgent> {
    mkdirSync(options.home, { recursive: true });
    const redis = await connectRedis(options.url);
    // the processor needs the agent, the agent the worker: the worker starts only once both exist
    const started: { agent?: HostAgent } = {};
    const worker = new Worker(hostQueue(options.name), (job: Job) => started.agent!.process(job), {
      connection: redis,
      prefix: QUEUE_PREFIX,
      // per worker, a slot for each unit it may hold (the one it runs and those sent ahead), each
      // in its own job at worst: a retry always finds one
      concurrency: (UNITS_AHEAD + 1) * options.workers,
      lockDuration: LOCK_MS,
      stalledInterval: STALLED_CHECK_MS,
      maxStalledCount: 2,
      autorun: false,
    });
    // connection trouble is reported by ioredis again and again; the heartbeat notices it too
    worker.on('error', () => {});
    const agent = new HostAgent(options, redis, worker);
    started.agent = agent;
    await agent.register();
    void worker.run().catch(() => {});
    options.print({
      type: 'worker.start',
      host: options.name,
      workers: options.workers,
      queue: hostQueue(options.name),
      cluster: redactUrl(options.url),
      version: layerlabVersion(),
    });
    return agent;
  }

  async record(): Promise<HostRecord> {
    const { name, workers, home } = this.options;
    const shards = heldShards(home);
    const digests = await this.digests.read(this.redis, home, shards);
    return {
      name,
      workers,
      cores: availableParallelism(),
      freeDisk: freeDisk(home),
      version: layerlabVersion(),
      shards,
      ...(Object.keys(digests).length > 0 ? { digests } : {}),
      lastSeen: Date.now(),
      startedAt: this.startedAt,
    };
  }

  private async register(): Promise<void> {
    await writeHost(this.redis, await this.record());
  }

  private async process(job: Job): Promise<unknown> {
    const started = performance.now();
    const line = {
      type: 'worker.unit',
      host: this.options.name,
      job: String(job.id),
      kind: job.name,
    } as const;
    if (job.name.startsWith('train-unit') || job.name === 'train-eval') this.trained = true;
    try {
      const handler = unitHandler(job.name);
      const host = { name: this.options.name, home: this.options.home, redis: this.redis };
      const result = UNPERMITTED.has(job.name)
        ? await handler(job.data, host)
        : await this.permits.run(() => handler(job.data, host));
      // a worker's units sent together are counted one by one
      this.units += job.name === 'train-units' ? (job.data as TrainUnitsJob).units.length : 1;
      // the coordinator goes on as soon as the job completes (e.g. `train --cluster` right after
      // `extract --cluster`): the record must name the new shard by then, not a heartbeat later
      if (job.name === 'extract-shard') await this.register();
      this.options.print({ ...line, ok: true, seconds: (performance.now() - started) / 1000 });
      return result;
    } catch (error) {
      const message = redactSecrets(error instanceof Error ? error.message : String(error), this.options.url);
      this.options.print({
        ...line,
        ok: false,
        seconds: (performance.now() - started) / 1000,
        error: message,
      });
      throw error;
    }
  }

  /** Finishes the running units, takes no new ones, deregisters and disconnects. */
  async drain(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.worker.close();
    // shard workers of training sessions: only loaded if this host ran a training unit
    if (this.trained) await (await import('./train-handlers.js')).releaseTrainShards();
    await removeHost(this.redis, this.options.name).catch(() => {});
    this.redis.disconnect();
    this.options.print({ type: 'worker.stop', host: this.options.name, units: this.units });
  }
}
