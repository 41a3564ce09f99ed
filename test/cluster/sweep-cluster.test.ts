import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkErrorOutput, checkJsonLines, sweepResultSchema } from '../../src/core/contract/index.js';
import type { TrainingResult } from '../../src/core/result.js';
import { readSnapshot } from '../../src/train/run-folder/run-snapshot.js';
import { randomIdx, writeIdxPair } from '../data/write-datasets.js';
import { parseNdjson, runCli } from '../e2e/cli-run.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';
import { differingTensors } from '../train/same-bits.js';
import { ClusterFixture } from './cluster-fixture.js';

type SweepResult = TrainingResult & { trials: number };

const sweepFile = (model: string, data: string, extra = '') => `model: ${model}
data: ${data}
layers: [block1/relu, block2/relu]
heads:
  lr: [0.1, 0.01]
  l2: 1.0e-4
  momentum: 0.9
  batchSize: 32
epochs: 2
workers: 2
seed: 3
${extra}`;

/**
 * `sweep FILE --cluster URL` on real processes: a redis-server and two `layerlab worker` hosts of
 * one worker each. The sweep's layers are extracted on the hosts (`extract --cluster` semantics) and
 * its trials trained across them, to the weights and result of the same sweep run on one machine
 * with `workers: 2` (the shard rule puts the same train records in each shard on both).
 */
describe.skipIf(!redisTestsRun)(`sweep --cluster${redisSkipReason}`, () => {
  let cluster: ClusterFixture;
  let file: string;

  beforeAll(async () => {
    cluster = await ClusterFixture.start();
    const model = join(cluster.root, 'tiny.onnx');
    writeFileSync(model, tinyCnn());
    const data = join(cluster.root, 'data');
    writeIdxPair(data, 'train', randomIdx(160, 3), { gz: true });
    writeIdxPair(data, 't10k', randomIdx(40, 4), { gz: true });
    file = join(cluster.root, 'sweep.yaml');
    writeFileSync(file, sweepFile(model, data));
    await cluster.startHost('alpha');
    await cluster.startHost('beta');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('ends with the one-host sweep’s best model and metrics, bit for bit; a second run is cached', async () => {
    const local = join(cluster.root, 'local');
    const one = await runCli(['--home', local, 'sweep', file, '--json']);
    expect(one.code, one.stderr).toBe(0);
    const reference = parseNdjson(one.stdout).at(-1) as unknown as SweepResult;

    const coord = join(cluster.root, 'coordinator');
    const first = await runCli(['--home', coord, 'sweep', file, '--cluster', cluster.url, '--json']);
    expect(first.code, first.stderr).toBe(0);
    // every line keeps the machine contract (train.unit with its host too)
    checkJsonLines(first.stdout, sweepResultSchema);
    const events = parseNdjson(first.stdout);
    const result = events.at(-1) as unknown as SweepResult;
    expect(result.cached).toBe(false);
    expect(result.store).toMatch(/^cluster:cs-[0-9a-f]+$/);
    expect(result.trials).toBe(reference.trials);

    const states = (home: string, run: string) => readSnapshot(join(home, 'runs', run))!.states;
    expect(differingTensors(states(local, reference.run), states(coord, result.run))).toEqual([]);
    const comparable = (r: SweepResult) => ({ ...r, run: '', store: '', cached: true, seconds: {} });
    expect(comparable(result)).toEqual(comparable(reference));

    // which host ran each unit: both hosts, one shard each
    const units = events.filter((e) => e.type === 'train.unit') as { host?: string; shard: number }[];
    expect(units.length).toBeGreaterThan(0);
    const hostOfShard = new Map(units.map((u) => [u.shard, u.host]));
    expect(new Set(hostOfShard.values())).toEqual(new Set(['alpha', 'beta']));

    // the same sweep again finds the cluster store extracted on both hosts
    const second = await runCli(['--home', coord, 'sweep', file, '--cluster', cluster.url, '--json']);
    expect(second.code, second.stderr).toBe(0);
    const again = parseNdjson(second.stdout).at(-1) as unknown as SweepResult;
    expect(again.cached).toBe(true);
    expect(again.store).toBe(result.store);
    expect(comparable(again)).toEqual(comparable(reference));

    // results reads the cluster run like a local one
    const listed = await runCli(['--home', coord, 'results', result.run, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
  });

  it('refuses sweep-file keys a cluster cannot run, in one line naming the fix', async () => {
    const views = join(cluster.root, 'views.yaml');
    writeFileSync(views, sweepFile('builtin:shapes-cnn', 'builtin:shapes', 'views: [concat(last:2)]\n'));
    const refused = await runCli(['--home', cluster.homeOf('x'), 'sweep', views, '--cluster', cluster.url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/views: .*drop views:/);

    const poolings = join(cluster.root, 'poolings.yaml');
    writeFileSync(poolings, sweepFile('builtin:shapes-cnn', 'builtin:shapes', 'pooling: [mean, max]\n'));
    const two = await runCli(['--home', cluster.homeOf('x'), 'sweep', poolings, '--cluster', cluster.url]);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/one pooling/);
    const asJson = await runCli([
      '--home',
      cluster.homeOf('x'),
      'sweep',
      poolings,
      '--cluster',
      cluster.url,
      '--json',
    ]);
    expect(checkErrorOutput(asJson.stderr, asJson.code).code).toBe('USAGE');
    // nothing recorded for a refused sweep
    expect(existsSync(join(cluster.homeOf('x'), 'runs'))).toBe(false);

    const shards = await runCli([
      '--home',
      cluster.homeOf('x'),
      'sweep',
      file,
      '--cluster',
      cluster.url,
      '--shards',
      '3',
    ]);
    expect(shards.code).toBe(2);
    expect(shards.stderr).toMatch(/--shards 3 and the sweep file's workers: 2 differ/);
  });
});
