import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/cluster/redis-connection.js';
import { prepareRun } from '../../src/train/mop/prepare-run.js';
import { shardInits } from '../../src/train/mop/train.js';
import { runCli } from '../e2e/cli-run.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';
import { createSyntheticStore, type SyntheticStore } from '../train/synthetic-store.js';
import { ClusterFixture } from './cluster-fixture.js';
import { workerRecords } from '../../bench/harness/shard-stores.js';

const STORE = 'cs-sessions';
const SESSIONS = 4;

/** The OS threads of a process (Linux: one entry per thread under /proc/PID/task). */
const threadsOf = (pid: number): number => readdirSync(`/proc/${pid}/task`).length;

/**
 * Threads a few moments after a session's end: a statistics thread ends on its own once it replied,
 * and may still be tearing down; the count is read again a few times before it is compared.
 */
async function settledThreads(pid: number, atMost: number): Promise<number> {
  let count = threadsOf(pid);
  for (let tries = 0; tries < 20 && count > atMost; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    count = threadsOf(pid);
  }
  return count;
}

/**
 * A host agent is long-lived: it serves one coordinator session after another. Each session starts
 * shard worker threads on it (one per shard, holding the shard's rows); they must stop when their
 * session ends, not stay for the idle period while the next session starts its own, or every
 * session after the first finds the host heavier (issue 14: later sessions measured slower).
 */
describe.skipIf(!redisTestsRun || process.platform !== 'linux')(
  `a host agent across sessions${redisSkipReason}`,
  () => {
    let cluster: ClusterFixture;
    let store: SyntheticStore;
    let heads: string;

    beforeAll(async () => {
      store = createSyntheticStore({ records: 300 });
      heads = join(dirname(store.dir), 'heads.json');
      writeFileSync(heads, JSON.stringify({ type: 'linear', lr: [0.05, 0.01], batchSize: 16 }));
      const job = { storeDir: store.dir, featureSets: store.featureSets, workers: 2, seed: 3 };
      cluster = await ClusterFixture.start();
      // one host holds both shards: each session runs two shard workers on it
      shardInits(job, prepareRun(job)).forEach((init, shard) =>
        cluster.placeShard('host-a', STORE, shard, store.dir, workerRecords(init.rows)),
      );
      await cluster.startHost('host-a');
    });
    afterAll(async () => {
      await cluster?.stop();
      if (store) rmSync(dirname(store.dir), { recursive: true, force: true });
    });

    it(`serves ${SESSIONS} sessions in a row with its threads and Redis keys bounded`, async () => {
      const host = cluster.hosts.get('host-a')!;
      const redis = await connectRedis(cluster.url);
      const threads: number[] = [];
      const ends = () => host.lines.filter((l) => l.type === 'worker.unit' && l.kind === 'train-end');
      const keys: number[] = [];
      try {
        for (let session = 0; session < SESSIONS; session++) {
          const home = join(cluster.root, `coordinator-${session}`);
          const run = await runCli([
            '--home',
            home,
            'train',
            '--cluster',
            cluster.url,
            '--store',
            STORE,
            '--heads',
            heads,
            '--epochs',
            '2',
            '--seed',
            '3',
            '--json',
          ]);
          expect(run.code, run.stderr).toBe(0);
          // the coordinator queued train-end on its way out; the host prints its line once done
          while (ends().length <= session) await new Promise((resolve) => setTimeout(resolve, 50));
          threads.push(await settledThreads(host.pid, threads[0] ?? Number.POSITIVE_INFINITY));
          // BullMQ's stalled-check mark comes and goes with its own expiry
          keys.push((await redis.keys('layerlab:*')).filter((k) => !k.endsWith(':stalled-check')).length);
        }
        expect(await redis.keys('layerlab:state:*')).toEqual([]);
      } finally {
        redis.disconnect();
      }
      // every session told the host it was over, and the host stopped its shard workers
      expect(ends()).toHaveLength(SESSIONS);
      expect(ends().every((l) => l.ok === true)).toBe(true);
      // what the host holds after a session is what it held after the first one
      expect(
        threads.slice(1).every((n) => n <= threads[0]!),
        `threads: ${threads.join(', ')}`,
      ).toBe(true);
      expect(new Set(keys).size, `layerlab keys: ${keys.join(', ')}`).toBe(1);
    });
  },
);
