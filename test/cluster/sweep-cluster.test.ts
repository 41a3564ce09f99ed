import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkErrorOutput, checkJsonLines, sweepResultSchema } from '../../src/core/contract/index.js';
import type { TrainingResult } from '../../src/core/result.js';
import { readSnapshot } from '../../src/train/run-folder/run-snapshot.js';
import { randomIdx, writeIdxPair } from '../data/write-datasets.js';
import { cliBin, parseNdjson, runCli } from '../e2e/cli-run.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { redisSkipReason, redisTestsRun } from '../support/redis-server.js';
import { differingTensors } from '../train/same-bits.js';
import { ClusterFixture } from './cluster-fixture.js';

type SweepResult = TrainingResult & { trials: number };

/** The coordinator with --json, SIGKILLed once `units` train.unit events came; resolves its run id. */
function killAfterUnits(args: string[], units: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args, '--json'], {
      env: { ...process.env, CI: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let partial = '';
    let run = '';
    let seen = 0;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const event = JSON.parse(line) as { type: string; run?: string };
        if (event.type === 'train.start') run = event.run!;
        if (event.type === 'train.unit' && ++seen === units) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) =>
      signal === 'SIGKILL' && run ? resolve(run) : reject(new Error(`the sweep ended before the kill`)),
    );
  });
}

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
  let data: string;
  let reference: SweepResult;
  let referenceDir: string;

  beforeAll(async () => {
    cluster = await ClusterFixture.start();
    const model = join(cluster.root, 'tiny.onnx');
    writeFileSync(model, tinyCnn());
    data = join(cluster.root, 'data');
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
    reference = parseNdjson(one.stdout).at(-1) as unknown as SweepResult;
    referenceDir = join(local, 'runs', reference.run);

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

    const states = (dir: string) => readSnapshot(dir)!.states;
    expect(differingTensors(states(referenceDir), states(join(coord, 'runs', result.run)))).toEqual([]);
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

    // results, report and predict read the cluster sweep run as a local one: predictions equal
    const listed = await runCli(['--home', coord, 'results', result.run, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const html = join(cluster.root, 'report.html');
    const report = await runCli(['--home', coord, 'report', result.run, '--out', html]);
    expect(report.code, report.stderr).toBe(0);
    expect(existsSync(html)).toBe(true);
    const predicted = async (home: string, run: string) => {
      const out = join(cluster.root, `${run}.csv`);
      const done = await runCli(['--home', home, 'predict', '--run', run, '--data', data, '--out', out]);
      expect(done.code, done.stderr).toBe(0);
      return readFileSync(out, 'utf8');
    };
    const csv = await predicted(coord, result.run);
    expect(csv.trim().split('\n')).toHaveLength(201); // a header and every record
    expect(csv).toBe(await predicted(local, reference.run));
  });

  it('kill -9 of the coordinator mid-training: sweep --resume RUN --cluster ends identical', async () => {
    const home = join(cluster.root, 'coordinator-kill');
    const run = await killAfterUnits(['--home', home, 'sweep', file, '--cluster', cluster.url], 3);
    // without the cluster, the resume names the fix
    const local = await runCli(['--home', home, 'sweep', file, '--resume', run], { LAYERLAB_CLUSTER: '' });
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/trained on cluster store cs-[0-9a-f]+; resume it with --cluster URL/);
    // the cluster from the environment, as `train --resume` takes it
    const resumed = await runCli(['--home', home, 'sweep', file, '--resume', run, '--json'], {
      LAYERLAB_CLUSTER: cluster.url,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = parseNdjson(resumed.stdout).at(-1) as unknown as SweepResult;
    expect(result.run).toBe(run);
    const comparable = (r: SweepResult) => ({ ...r, run: '', store: '', cached: true, seconds: {} });
    expect(comparable(result)).toEqual(comparable(reference));
    const states = (dir: string) => readSnapshot(dir)!.states;
    expect(differingTensors(states(referenceDir), states(join(home, 'runs', run)))).toEqual([]);
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
