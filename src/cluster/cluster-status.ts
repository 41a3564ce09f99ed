import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { redactUrl } from './cluster-url.js';
import { HOST_TIMEOUT_MS, hostQueue, QUEUE_PREFIX, readHosts } from './host-record.js';

export interface HostStatus {
  name: string;
  workers: number;
  cores: number;
  freeDisk: number;
  version: string;
  shards: string[];
  /** ISO time of its last heartbeat */
  lastSeen: string;
  /** heartbeat within the last few seconds */
  alive: boolean;
  /** its queue: units waiting, running, failed */
  queue: { waiting: number; running: number; failed: number };
}

export interface ClusterStatus {
  /** the Redis URL, password redacted */
  cluster: string;
  hosts: HostStatus[];
  totals: { hosts: number; alive: number; workers: number; waiting: number; running: number };
}

/** `layerlab cluster status`: every registered host with its heartbeat and queue depths. */
export async function clusterStatus(redis: Redis, url: string, now = Date.now()): Promise<ClusterStatus> {
  const hosts: HostStatus[] = [];
  for (const record of await readHosts(redis)) {
    const queue = new Queue(hostQueue(record.name), { connection: redis, prefix: QUEUE_PREFIX });
    try {
      const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed');
      hosts.push({
        name: record.name,
        workers: record.workers,
        cores: record.cores,
        freeDisk: record.freeDisk,
        version: record.version,
        shards: record.shards,
        lastSeen: new Date(record.lastSeen).toISOString(),
        alive: now - record.lastSeen < HOST_TIMEOUT_MS,
        queue: {
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
          running: counts.active ?? 0,
          failed: counts.failed ?? 0,
        },
      });
    } finally {
      await queue.close();
    }
  }
  const alive = hosts.filter((h) => h.alive);
  return {
    cluster: redactUrl(url),
    hosts,
    totals: {
      hosts: hosts.length,
      alive: alive.length,
      workers: alive.reduce((n, h) => n + h.workers, 0),
      waiting: hosts.reduce((n, h) => n + h.queue.waiting, 0),
      running: hosts.reduce((n, h) => n + h.queue.running, 0),
    },
  };
}
