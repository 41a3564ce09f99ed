import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingResult } from '../../src/core/result.js';
import { connectRedis } from '../../src/cluster/redis-connection.js';
import { prepareRun } from '../../src/train/mop/prepare-run.js';
import { shardInits } from '../../src/train/mop/train.js';
import { readSnapshot } from '../../src/train/run-folder/run-snapshot.js';
import { parseNdjson, runCli } from '../e2e/cli-run.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';
import { differingTensors } from '../train/same-bits.js';
import { createSyntheticStore, type SyntheticStore } from '../train/synthetic-store.js';
import { ClusterFixture } from './cluster-fixture.js';
import { coordinator, logsOf } from './coordinator-process.js';
import { workerRecords } from '../../bench/harness/shard-stores.js';

const STORE = 'cs-ahead';
const SEED = 11;
const SHARDS = 2;
const withoutTiming = (r: TrainingResult) => ({ ...r, run: '', store: '', seconds: {} });

/**
 * Units dispatched ahead (src/cluster/unit-chain.ts): the host that ends a group's unit queues the
 * group's next unit itself. Host-x holds shards 0 and 1, host-y shard 1, so shard 1 starts on host-y
 * and, once host-y is killed, host-x (one worker) serves both shards: units of both queue on it, each
 * queued only once its state exists, so none waits in a slot for another (the deadlock a unit queued
 * before its state would risk) and the run ends as the one-host run does, bit for bit.
 */
describe.skipIf(!redisTestsRun)(`train --cluster, units dispatched ahead${redisSkipReason}`, () => {
  let cluster: ClusterFixture;
  let store: SyntheticStore;
  let homes: string;
  let heads: string;
  let reference: TrainingResult;
  let referenceDir: string;
  const trainArgs = () => ['--heads', heads, '--epochs', '3', '--seed', String(SEED)];
  const clusterArgs = (home: string) => [
    '--home',
    home,
    'train',
    '--cluster',
    cluster.url,
    '--store',
    STORE,
    ...trainArgs(),
  ];
  const chainedUnits = (name: string) =>
    cluster.hosts
      .get(name)!
      .lines.filter(
        (l) => l.type === 'worker.unit' && l.kind === 'train-unit' && /:chain:/.test(String(l.job)),
      );
  const sameAsReference = (home: string, result: TrainingResult) => {
    expect(withoutTiming(result)).toEqual(withoutTiming(reference));
    expect(
      differingTensors(
        readSnapshot(referenceDir)!.states,
        readSnapshot(join(home, 'runs', result.run))!.states,
      ),
    ).toEqual([]);
  };

  beforeAll(async () => {
    store = createSyntheticStore({ records: 300 });
    homes = mkdtempSync(join(tmpdir(), 'layerlab-cluster-ahead-'));
    heads = join(homes, 'heads.json');
    writeFileSync(
      heads,
      JSON.stringify({ type: ['linear', 'mlp'], hidden: 8, lr: [0.05, 0.01], batchSize: 16 }),
    );
    const one = await runCli([
      '--home',
      join(homes, 'one'),
      'train',
      '--store',
      store.dir,
      '--workers',
      String(SHARDS),
      ...trainArgs(),
      '--json',
    ]);
    expect(one.code, one.stderr).toBe(0);
    reference = parseNdjson(one.stdout).at(-1) as unknown as TrainingResult;
    referenceDir = join(homes, 'one', 'runs', reference.run);
    const job = { storeDir: store.dir, featureSets: store.featureSets, workers: SHARDS, seed: SEED };
    const inits = shardInits(job, prepareRun(job));
    cluster = await ClusterFixture.start();
    inits.forEach((init, shard) =>
      cluster.placeShard('host-x', STORE, shard, store.dir, workerRecords(init.rows)),
    );
    cluster.placeShard('host-y', STORE, 1, store.dir, workerRecords(inits[1]!.rows));
    for (const name of ['host-x', 'host-y']) await cluster.startHost(name);
  });
  afterAll(async () => {
    await cluster?.stop();
    if (homes) rmSync(homes, { recursive: true, force: true });
    if (store) rmSync(dirname(store.dir), { recursive: true, force: true });
  });

  it("hosts queue each group's next unit, the run ends as the one-host run, and no key of it is left", async () => {
    const home = join(homes, 'ahead');
    const run = await coordinator(clusterArgs(home));
    expect(run.code, run.stderr).toBe(0);
    sameAsReference(home, run.events.at(-1) as unknown as TrainingResult);
    expect(logsOf(run).some((m) => /shard 0 on host-x, shard 1 on host-y/.test(m))).toBe(true);
    // every group's second unit of an epoch was queued by the host of its first
    expect(chainedUnits('host-x').length + chainedUnits('host-y').length).toBeGreaterThan(0);
    const redis = await connectRedis(cluster.url);
    try {
      for (const pattern of ['state', 'train-chain', 'train-alive', 'train-assign'])
        expect(await redis.keys(`layerlab:${pattern}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('kill -9 of a host: its shard joins the other shard on one host of one worker, and the run ends identical', async () => {
    const home = join(homes, 'failover');
    const hostY = cluster.hosts.get('host-y')!;
    const before = hostY.lines.length;
    let killed = false;
    // once it has run its first unit of this run: units of both shards then queue on host-x
    const watch = setInterval(() => {
      if (
        !killed &&
        hostY.lines.slice(before).some((l) => l.type === 'worker.unit' && l.kind === 'train-unit')
      ) {
        killed = true;
        hostY.signal('SIGKILL');
      }
    }, 5);
    try {
      const chainedBefore = chainedUnits('host-x').length;
      const run = await coordinator(clusterArgs(home));
      expect(run.code, run.stderr).toBe(0);
      expect(killed).toBe(true);
      sameAsReference(home, run.events.at(-1) as unknown as TrainingResult);
      expect(logsOf(run).some((m) => /shard 1 moves to host host-x/.test(m))).toBe(true);
      // after the move host-x queued units for itself
      expect(chainedUnits('host-x').length).toBeGreaterThan(chainedBefore);
    } finally {
      clearInterval(watch);
    }
  });
});
