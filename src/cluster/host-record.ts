import type { Redis } from 'ioredis';

/** What a host agent tells the cluster about itself, rewritten on every heartbeat. */
export interface HostRecord {
  name: string;
  /** units it runs at once */
  workers: number;
  cores: number;
  /** bytes free under its home */
  freeDisk: number;
  /** layerlab version: a coordinator refuses hosts of another one */
  version: string;
  /** the cluster shards its home holds, as `STORE#SHARD` */
  shards: string[];
  /**
   * per held shard (`STORE#SHARD`) whose cluster store has a manifest in Redis, its content digest
   * (shard-digest.ts): a coordinator refuses a copy that differs from the manifest's
   */
  digests?: Record<string, string>;
  /** ms since the epoch */
  lastSeen: number;
  startedAt: number;
}

/** BullMQ's key prefix for every layerlab queue. */
export const QUEUE_PREFIX = 'layerlab';
const HOSTS_KEY = `${QUEUE_PREFIX}:hosts`;
export const HEARTBEAT_MS = 1_000;
/** a host silent for this long is shown as gone */
export const HOST_TIMEOUT_MS = 5 * HEARTBEAT_MS;

/** One BullMQ queue per host gives shard affinity: its units run where its shards are. */
export const hostQueue = (name: string): string => `host-${name}`;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const isHostName = (name: string): boolean => NAME.test(name);

export async function writeHost(redis: Redis, record: HostRecord): Promise<void> {
  await redis.hset(HOSTS_KEY, record.name, JSON.stringify(record));
}

export async function removeHost(redis: Redis, name: string): Promise<void> {
  await redis.hdel(HOSTS_KEY, name);
}

/** Every registered host, by name. */
export async function readHosts(redis: Redis): Promise<HostRecord[]> {
  const all = await redis.hgetall(HOSTS_KEY);
  return Object.values(all)
    .map((json) => JSON.parse(json) as HostRecord)
    .sort((a, b) => a.name.localeCompare(b.name));
}
