import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClusterStore, shardStoreDir } from '../../src/cluster/cluster-store.js';
import { readHosts } from '../../src/cluster/host-record.js';
import { connectRedis } from '../../src/cluster/redis-connection.js';
import { randomIdx, writeIdxPair } from '../data/write-datasets.js';
import { parseNdjson, runCli } from '../e2e/cli-run.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';
import { ClusterFixture } from './cluster-fixture.js';
import { logsOf } from './coordinator-process.js';

const LAYERS = 'block1/relu,block2/relu';
const TRAIN = ['--epochs', '1', '--seed', '5'];

/**
 * A host whose copy of a shard is not what `extract --cluster` put there (its `shard-K` folder
 * replaced with other records) is refused at train time, with one line naming the host, the shard
 * and the fix: another copy serves while there is one, and the run stops when there is none.
 */
describe.skipIf(!redisTestsRun)(
  `train --cluster refuses a shard whose content differs${redisSkipReason}`,
  () => {
    let cluster: ClusterFixture;
    let store: string;
    let expected: string;
    let swapped: string;

    beforeAll(async () => {
      cluster = await ClusterFixture.start();
      const model = join(cluster.root, 'tiny.onnx');
      writeFileSync(model, tinyCnn());
      const data = join(cluster.root, 'data');
      writeIdxPair(data, 'train', randomIdx(160, 3), { gz: true });
      writeIdxPair(data, 't10k', randomIdx(40, 4), { gz: true });
      await cluster.startHost('alpha');
      await cluster.startHost('beta');
      const extracted = await runCli([
        '--home',
        join(cluster.root, 'coordinator'),
        'extract',
        model,
        data,
        '--layers',
        LAYERS,
        '--cluster',
        cluster.url,
        '--shards',
        '2',
        '--replicas',
        '2',
        '--json',
      ]);
      expect(extracted.code, extracted.stderr).toBe(0);
      store = (parseNdjson(extracted.stdout).at(-1) as { store: string }).store;

      // beta's shard 0 becomes a copy of its shard 1: a store, but of other records
      const home = cluster.homeOf('beta');
      // beta is up and opens its shard stores for its heartbeats meanwhile: the open/close gate file
      // (`features.mdb-gate`) comes and goes, so it is not copied, and a removal that meets one retries
      rmSync(shardStoreDir(home, store, 0), { recursive: true, maxRetries: 5 });
      cpSync(shardStoreDir(home, store, 1), shardStoreDir(home, store, 0), {
        recursive: true,
        filter: (source) => !source.endsWith('.mdb-gate'),
      });
      const redis = await connectRedis(cluster.url);
      try {
        const manifest = (await readClusterStore(redis, store))!;
        expected = manifest.shardDigests[0]!;
        // the next heartbeat reports the new content (the test's own timeout bounds the wait)
        for (;;) {
          const beta = (await readHosts(redis)).find((h) => h.name === 'beta');
          const reported = beta?.digests?.[`${store}#0`];
          if (reported && reported !== expected) {
            swapped = reported;
            expect(reported).toBe(manifest.shardDigests[1]);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        redis.disconnect();
      }
    });
    afterAll(async () => {
      await cluster?.stop();
    });

    const refusal = () =>
      `host beta is refused: its shard 0 of ${store} differs from the cluster store manifest (content digest ${swapped}, expected ${expected}); remove cluster/${store}/shard-0 under its home and run the same \`layerlab extract --cluster\` again`;

    it('uses the copy that matches, and says which copy was refused and why', async () => {
      const home = join(cluster.root, 'train-ok');
      const beta = cluster.hosts.get('beta')!;
      const before = beta.lines.length;
      const run = await runCli([
        '--home',
        home,
        'train',
        '--cluster',
        cluster.url,
        '--store',
        store,
        ...TRAIN,
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const logs = logsOf({ code: run.code, events: parseNdjson(run.stdout), stderr: run.stderr });
      expect(logs).toContain(refusal());
      // shard 0 runs on alpha, whose copy matches; beta serves shard 1 only
      expect(logs.some((m) => m.endsWith(': shard 0 on alpha, shard 1 on beta'))).toBe(true);
      expect(beta.lines.slice(before).some((l) => l.type === 'worker.unit' && l.ok === false)).toBe(false);
    });

    it('stops with one line naming the host, the shard and the fix when no other copy is up', async () => {
      const alpha = cluster.hosts.get('alpha')!;
      alpha.signal('SIGTERM'); // drains and deregisters
      expect((await alpha.done).code).toBe(0);
      const run = await runCli([
        '--home',
        join(cluster.root, 'train-refused'),
        'train',
        '--cluster',
        cluster.url,
        '--store',
        store,
        ...TRAIN,
      ]);
      expect(run.code).toBe(65);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(refusal());
    });
  },
);
