import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingResult } from '../../src/core/result.js';
import { readSnapshot } from '../../src/train/run-folder/run-snapshot.js';
import { randomIdx, writeIdxPair } from '../data/write-datasets.js';
import { parseNdjson, runCli } from '../e2e/cli-run.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';
import { differingTensors } from '../train/same-bits.js';
import { ClusterFixture } from './cluster-fixture.js';

const LAYERS = 'block1/relu,block2/relu';
const TRAIN = ['--epochs', '2', '--seed', '3'];

/**
 * The whole path on real processes: `extract --cluster --shards 2` over two hosts, then
 * `train --cluster` on the cluster store, against `extract` and `train --workers 2` on one host.
 * The shard rule (`shardOfRecord`) puts the same train records in each shard on both, so the
 * weights must agree bit for bit.
 */
describe.skipIf(!redisTestsRun)(`extract --cluster, then train --cluster${redisSkipReason}`, () => {
  let cluster: ClusterFixture;
  let model: string;
  let data: string;

  beforeAll(async () => {
    cluster = await ClusterFixture.start();
    model = join(cluster.root, 'tiny.onnx');
    writeFileSync(model, tinyCnn());
    data = join(cluster.root, 'data');
    writeIdxPair(data, 'train', randomIdx(160, 3), { gz: true });
    writeIdxPair(data, 't10k', randomIdx(40, 4), { gz: true });
    await cluster.startHost('alpha');
    await cluster.startHost('beta');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('trains the cluster store to the weights of the one-host run over the same shards', async () => {
    const local = join(cluster.root, 'local');
    const extracted = await runCli(['--home', local, 'extract', model, data, '--layers', LAYERS, '--json']);
    expect(extracted.code, extracted.stderr).toBe(0);
    const storeDir = (parseNdjson(extracted.stdout).at(-1) as { store: string }).store;
    const one = await runCli([
      '--home',
      local,
      'train',
      '--store',
      storeDir,
      '--workers',
      '2',
      ...TRAIN,
      '--json',
    ]);
    expect(one.code, one.stderr).toBe(0);
    const reference = parseNdjson(one.stdout).at(-1) as unknown as TrainingResult;

    const coord = join(cluster.root, 'coordinator');
    const onCluster = await runCli([
      '--home',
      coord,
      'extract',
      model,
      data,
      '--layers',
      LAYERS,
      '--cluster',
      cluster.url,
      '--shards',
      '2',
      '--json',
    ]);
    expect(onCluster.code, onCluster.stderr).toBe(0);
    const id = (parseNdjson(onCluster.stdout).at(-1) as { store: string }).store;
    const trained = await runCli([
      '--home',
      coord,
      'train',
      '--cluster',
      cluster.url,
      '--store',
      id,
      ...TRAIN,
      '--json',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const result = parseNdjson(trained.stdout).at(-1) as unknown as TrainingResult;

    const states = (home: string, run: string) => readSnapshot(join(home, 'runs', run))!.states;
    expect(differingTensors(states(local, reference.run), states(coord, result.run))).toEqual([]);
    // the whole result too, timing aside: validation and test rows are cut by the record rule on
    // both (recordShards), so their float64 loss sums add in the same order
    const withoutRun = (r: TrainingResult) => ({ ...r, run: '', store: '', seconds: {} });
    expect(withoutRun(result)).toEqual(withoutRun(reference));
  });
});
