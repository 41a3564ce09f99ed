import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingResult } from '../../src/core/result.js';
import { parseNdjson, runCli } from './cli-run.js';
import { createTrainFixture, type TrainFixture } from './train-store.js';

describe('layerlab train (real CLI, end to end)', () => {
  let fixture: TrainFixture;
  beforeAll(async () => {
    fixture = await createTrainFixture();
  });

  it('trains a grid over several layers with MOP and fusion, and prints the NDJSON contract', async () => {
    const layers = 'block1/pool,block2/pool,block3/pool';
    const { home, store, heads } = fixture;
    const run = await runCli([
      '--home',
      home,
      'train',
      '--store',
      store,
      '--layers',
      layers,
      '--heads',
      heads,
      '--workers',
      '2',
      '--epochs',
      '3',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const events = parseNdjson(run.stdout);
    const start = events[0] as {
      type: string;
      models: { id: string; layer: string }[];
      groups: number;
      workers: number;
    };
    expect(start.type).toBe('train.start');
    // 3 layers × (2 types × 2 lr × 2 optimizers) = 24 models; one fused group per layer
    expect(start.models).toHaveLength(24);
    expect(start).toMatchObject({ groups: 3, workers: 2 });
    expect(events.filter((e) => e.type === 'train.unit')).toHaveLength(3 * 2 * 3);
    expect(events.filter((e) => e.type === 'train.epoch').map((e) => e.epoch)).toEqual([1, 2, 3]);
    const result = events.at(-1) as unknown as TrainingResult;
    expect(result).toMatchObject({ type: 'result', store, metric: 'accuracy', cached: true });
    expect(result.run).toMatch(/^run-/);
    expect(result.seconds.extract).toBe(0);
    expect(result.seconds.total).toBeGreaterThan(0);
    expect(result.layers.map((l) => l.layer)).toEqual(layers.split(','));
    for (const layer of result.layers) {
      expect(layer.best.value).toBeGreaterThan(0.2); // 5 classes: chance is 20%
      expect(layer.best.head).toMatchObject({ epochs: 3, batchSize: 64, schedule: 'cosine' });
    }
    expect(result.best.value).toBeGreaterThan(0.5);
    expect(result.best.test).toBeGreaterThan(0.5);
    expect(layers.split(',')).toContain(result.best.layer);
    // the run is recorded under the home, with every event teed into its log
    const runDir = join(home, 'runs', result.run);
    const meta = JSON.parse(readFileSync(join(runDir, 'run-meta.json'), 'utf8')) as {
      status: string;
      command: string;
    };
    expect(meta).toMatchObject({ status: 'done', command: 'train' });
    const logged = readFileSync(join(runDir, 'events.ndjson'), 'utf8').trim().split('\n');
    expect(logged.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(events.map((e) => e.type));
    for (const file of ['visits.json', 'results.json', 'checkpoints/snapshot.ckpt'])
      expect(existsSync(join(runDir, file))).toBe(true);
  });

  it('draws a random search over layers and halves it (ASHA) between epochs', async () => {
    const { home, store, heads } = fixture;
    const run = await runCli([
      '--home',
      home,
      'train',
      '--store',
      store,
      '--heads',
      heads,
      '--search',
      'random',
      '--samples',
      '8',
      '--halving',
      '2',
      '--epochs',
      '4',
      '--workers',
      '2',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const events = parseNdjson(run.stdout);
    const start = events[0] as { models: { layer: string }[] };
    expect(start.models).toHaveLength(8);
    const halved = events.filter((e) => e.type === 'train.control' && e.op === 'halve');
    // rungs at 1 and 2 epochs: 8 → 4 → 2 models
    expect(halved).toHaveLength(6);
    const trained = events.filter((e) => e.type === 'train.epoch').map((e) => (e.models as unknown[]).length);
    expect(trained).toEqual([8, 4, 2, 2]);
    const result = events.at(-1) as unknown as TrainingResult;
    expect(result.best.head.epochs).toBe(4);
  });

  it('reports bad invocations with the contract exit codes', async () => {
    const { home, store } = fixture;
    const noStore = await runCli(['--home', home, 'train', '--json']);
    expect(noStore.code).toBe(2);
    expect(JSON.parse(noStore.stderr.trim())).toMatchObject({ type: 'error', code: 'USAGE', exitCode: 2 });
    const badHeads = join(home, 'bad.yaml');
    writeFileSync(badHeads, 'lr: {log_uniform_values: [0.1, 0.01]}\nmomentum: 2\n');
    const config = await runCli(['--home', home, 'train', '--store', store, '--heads', badHeads, '--json']);
    expect(config.code).toBe(78);
    expect(config.stderr).toMatch(/random search/);
    const layer = await runCli(['--home', home, 'train', '--store', store, '--layers', 'nope', '--json']);
    expect(layer.code).toBe(66);
    expect(layer.stderr).toMatch(/block1\/pool/);
  });

  it('has --help with examples', async () => {
    const help = await runCli(['train', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n\s+layerlab train --store/);
    expect(help.stdout).toMatch(/--resume <run>/);
  });
});
