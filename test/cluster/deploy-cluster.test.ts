import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingResult } from '../../src/core/result.js';
import { randomIdx, writeIdxPair } from '../data/write-datasets.js';
import { parseNdjson, runCli } from '../e2e/cli-run.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';
import { ClusterFixture } from './cluster-fixture.js';

const LAYERS = 'block1/relu,block2/relu';
const TRAIN = ['--epochs', '2', '--seed', '3'];

/**
 * `predict` and `export-head` on a `train --cluster` run, on real processes: the run keeps what they
 * need of its store (cluster-store.json), so neither is given the cluster. Its weights equal the
 * one-host run's over the same shards (train-extract-cluster.test.ts), so its predictions and its
 * exported model must equal that run's.
 */
describe.skipIf(!redisTestsRun)(`predict and export-head on a cluster run${redisSkipReason}`, () => {
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

  const ok = async (args: string[]) => {
    const out = await runCli([...args, '--json']);
    expect(out.code, out.stderr).toBe(0);
    return parseNdjson(out.stdout).at(-1) as Record<string, unknown>;
  };

  it('predicts and exports exactly as the one-host run does, without the cluster', async () => {
    const local = join(cluster.root, 'local');
    const extracted = await ok(['--home', local, 'extract', model, data, '--layers', LAYERS]);
    const reference = (await ok([
      '--home',
      local,
      'train',
      '--store',
      extracted.store as string,
      '--workers',
      '2',
      ...TRAIN,
    ])) as unknown as TrainingResult;

    const coord = join(cluster.root, 'coordinator');
    const onCluster = await ok([
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
    ]);
    const result = (await ok([
      '--home',
      coord,
      'train',
      '--cluster',
      cluster.url,
      '--store',
      onCluster.store as string,
      ...TRAIN,
    ])) as unknown as TrainingResult;
    expect(result.store).toBe(`cluster:${onCluster.store as string}`);
    expect(existsSync(join(coord, 'runs', result.run, 'cluster-store.json'))).toBe(true);

    // no --cluster and no LAYERLAB_CLUSTER: everything comes from the run folder
    const files = (home: string, run: string, name: string) => ({
      csv: join(home, `${name}.csv`),
      onnx: join(home, `${name}.onnx`),
      run,
    });
    const one = files(local, reference.run, 'one');
    const many = files(coord, result.run, 'cluster');
    for (const [home, f] of [
      [local, one],
      [coord, many],
    ] as const) {
      await ok(['--home', home, 'predict', '--run', f.run, '--data', data, '--out', f.csv]);
      await ok(['--home', home, 'export-head', '--run', f.run, '--out', f.onnx]);
    }
    const csv = readFileSync(many.csv, 'utf8');
    expect(csv.split('\n').length).toBeGreaterThan(200);
    expect(csv).toBe(readFileSync(one.csv, 'utf8'));
    expect(Buffer.compare(readFileSync(many.onnx), readFileSync(one.onnx))).toBe(0);

    // a cluster run without the file (made before it existed) is refused in one line naming the fix
    rmSync(join(coord, 'runs', result.run, 'cluster-store.json'));
    const refused = await runCli(['--home', coord, 'export-head', '--run', result.run, '--json']);
    expect(refused.code).not.toBe(0);
    const error = JSON.parse(refused.stderr.trim()) as { code: string; message: string };
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toMatch(/no cluster-store\.json .*train it again/);
  });
});
