import { describe, expect, it } from 'vitest';
import { ClusterSession } from '../../src/cluster/cluster-session.js';
import { clusterStoreShards } from '../../src/cluster/cluster-workers.js';
import { writeHost, type HostRecord } from '../../src/cluster/host-record.js';
import { layerlabVersion } from '../../src/core/package-version.js';
import { privateRedis } from '../support/private-redis.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';

const STORE = 'cs-grace';

const hostHolding = (name: string, shard: number): HostRecord => ({
  name,
  workers: 1,
  cores: 1,
  freeDisk: 1e9,
  version: layerlabVersion(),
  shards: [`${STORE}#${shard}`],
  lastSeen: Date.now(),
  startedAt: Date.now(),
});

/**
 * A coordinator that starts right after Redis restarted empty (no store manifest, host records
 * coming back one heartbeat at a time) looks again for its store's hosts before it refuses.
 */
describe.skipIf(!redisTestsRun)(
  `a starting coordinator waits for hosts to register${redisSkipReason}`,
  () => {
    const local = privateRedis();

    it('counts the shard whose host registers a moment later, where the run expects it', async () => {
      await writeHost(local.redis, hostHolding('host-0', 0));
      const session = await ClusterSession.open(local.server.url, STORE, () => {});
      try {
        // host-1 registers half a second after the coordinator first looked
        const late = new Promise<void>((resolve) =>
          setTimeout(() => void writeHost(local.redis, hostHolding('host-1', 1)).then(resolve), 500),
        );
        expect(await clusterStoreShards(session, 2)).toBe(2);
        await late;
      } finally {
        await session.close();
      }
    });

    it('refuses, once the hosts had their time, a shard no host holds', async () => {
      const session = await ClusterSession.open(local.server.url, 'cs-nobody', () => {});
      try {
        await expect(clusterStoreShards(session)).rejects.toMatchObject({ code: 'CONFIG' });
      } finally {
        await session.close();
      }
    });
  },
);
