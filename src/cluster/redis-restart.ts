import type { Redis } from 'ioredis';
import { HOST_TIMEOUT_MS, QUEUE_PREFIX } from './host-record.js';

/** What a check found: the same server, or one restarted with its data (`kept`) or without (`lost`). */
export type RedisRestart = 'same' | 'kept' | 'lost';

const MARKER_TTL_S = 7 * 24 * 3600;

async function runId(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  return /run_id:(\w+)/.exec(info)?.[1] ?? '';
}

/**
 * How a coordinator notices that the cluster's Redis went away or restarted. Redis gives every
 * server process a new `run_id`, so a restart shows as a changed id; whether the data survived
 * (persistence: appendonly or an RDB save on shutdown) shows as a marker key this coordinator wrote
 * being still there. Queued jobs, the session's spec and state blobs survive with it; without it
 * they are gone and the units in flight must be sent again. While Redis is away no host can
 * heartbeat, so host records look stale for a while after it is back: `settling` says so for one
 * host timeout, and nothing is judged lost meanwhile.
 */
export class RedisRestartWatch {
  private settleUntil = 0;
  private away = false;
  private ended = false;
  /** the check under way: concurrent callers share it, so one restart is reported once */
  private checking: Promise<RedisRestart> | undefined;

  private constructor(
    private readonly redis: Redis,
    private readonly marker: string,
    private runId: string,
    log: (message: string) => void,
    where: string,
  ) {
    redis.on('close', () => {
      if (this.away || this.ended) return;
      this.away = true;
      log(
        `lost the connection to the cluster's Redis at ${where}; reconnecting (the run goes on once it is back)`,
      );
    });
    redis.on('ready', () => {
      if (!this.away || this.ended) return;
      this.away = false;
      this.settleUntil = Date.now() + HOST_TIMEOUT_MS;
      log(`reconnected to the cluster's Redis at ${where}`);
    });
  }

  static async start(
    redis: Redis,
    session: string,
    log: (message: string) => void,
    where: string,
  ): Promise<RedisRestartWatch> {
    const marker = `${QUEUE_PREFIX}:coordinator:${session}`;
    await redis.set(marker, '1', 'EX', MARKER_TTL_S);
    return new RedisRestartWatch(redis, marker, await runId(redis), log, where);
  }

  /** Whether host records may still be stale from an outage (judge no host silent now). */
  get settling(): boolean {
    return this.away || Date.now() < this.settleUntil;
  }

  /** Compares the server's run id with the last one seen; on a restart, looks for the marker (and writes it again). */
  check(): Promise<RedisRestart> {
    if (this.checking) return this.checking.then(() => 'same' as const);
    this.checking = this.compare().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async compare(): Promise<RedisRestart> {
    const id = await runId(this.redis);
    if (id === this.runId) return 'same';
    this.runId = id;
    this.settleUntil = Date.now() + HOST_TIMEOUT_MS;
    const kept = (await this.redis.exists(this.marker)) === 1;
    if (!kept) await this.redis.set(this.marker, '1', 'EX', MARKER_TTL_S);
    return kept ? 'kept' : 'lost';
  }

  async end(): Promise<void> {
    this.ended = true;
    await this.redis.del(this.marker).catch(() => {});
  }
}
