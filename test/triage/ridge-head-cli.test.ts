import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkDocument,
  checkJsonLines,
  trainingResultSchema,
  triageSchema,
} from '../../src/core/contract/index.js';
import { openDataset } from '../../src/data/open-dataset.js';
import { preprocessImages, resolveImagePreprocess } from '../../src/backbone/image-preprocess.js';
import { parseNdjson, runCli } from '../e2e/cli-run.js';
import { createTrainFixture, type TrainFixture } from '../e2e/train-store.js';

/** A row of `results RUN --json` (report/run-rows.ts). */
interface ModelRow {
  model: string;
  layer: string;
  head: string;
  epochs: number;
  value: number;
}

describe('type: ridge heads through train, results, predict and export-head (real CLI)', () => {
  let fixture: TrainFixture;
  beforeAll(async () => {
    fixture = await createTrainFixture();
  });

  it('solves one ridge head per layer beside trained ones, and predict and the exported head agree', async () => {
    const { home, store } = fixture;
    const heads = join(home, 'ridge-heads.yaml');
    writeFileSync(heads, 'type: [linear, ridge]\nlr: [0.1, 0.01]\nbatchSize: 64\n');
    const layers = 'block2/pool,block3/pool';
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
      '--epochs',
      '2',
      '--workers',
      '2',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { events, result } = checkJsonLines(run.stdout, trainingResultSchema);
    // 2 layers × (2 linear + 1 ridge: its lr values are the same head)
    const start = events.find((e) => e.type === 'train.start') as {
      models: { head: string }[];
      groups: number;
    };
    expect(start.models).toHaveLength(6);
    expect(start.models.filter((m) => m.head.startsWith('ridge'))).toHaveLength(2);
    expect(start.groups).toBe(2);
    const solved = events.flatMap((e) =>
      e.type === 'log' && /solved in closed form/.test(e.message) ? [e.message] : [],
    );
    expect(solved).toHaveLength(2);

    const models = (
      JSON.parse((await runCli(['--home', home, 'results', result.run, '--json'])).stdout) as {
        models: ModelRow[];
      }
    ).models;
    const ridge = models.filter((m) => m.head.startsWith('ridge'));
    expect(ridge.map((m) => m.layer).sort()).toEqual(layers.split(',').sort());
    for (const m of ridge) {
      expect(m.epochs).toBe(1);
      expect(m.value).toBeGreaterThan(0.4); // 5 classes: chance is 20%
    }
    // the same closed-form head, scored by triage in float64 on the same 32 features, is as accurate
    const triage = checkDocument(
      (await runCli(['triage', '--store', store, '--layers', 'block2/pool', '--method', 'ridge', '--json']))
        .stdout,
      triageSchema,
    );
    const block2 = ridge.find((m) => m.layer === 'block2/pool')!;
    expect(Math.abs(block2.value - triage.layers[0]!.score!)).toBeLessThanOrEqual(2 / 600);

    const preds = join(home, 'ridge-preds.csv');
    const predict = await runCli([
      '--home',
      home,
      'predict',
      '--run',
      result.run,
      '--head',
      block2.model,
      '--data',
      'builtin:shapes',
      '--out',
      preds,
      '--json',
    ]);
    expect(predict.code).toBe(0);
    expect(parseNdjson(predict.stdout).at(-1)).toMatchObject({
      head: block2.model,
      layer: 'block2/pool',
      records: 4000,
    });
    const rows = readFileSync(preds, 'utf8').trim().split('\n');

    const model = join(home, 'ridge-head.onnx');
    const exported = await runCli([
      '--home',
      home,
      'export-head',
      '--run',
      result.run,
      '--head',
      block2.model,
      '--out',
      model,
      '--json',
    ]);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({
      head: block2.model,
      layer: 'block2/pool',
      output: 'scores',
    });
    const dataset = await openDataset('builtin:shapes');
    const records = await dataset.readBatch(0, 128);
    if (records.kind !== 'image') throw new Error('shapes holds images');
    const session = await ort.InferenceSession.create(readFileSync(model), { logSeverityLevel: 3 });
    const input = new ort.Tensor(
      'float32',
      preprocessImages(records, resolveImagePreprocess(['N', 3, 32, 32])),
      [128, 3, 32, 32],
    );
    const scores = (await session.run({ image: input })).scores!.data as Float32Array;
    await session.release();
    const classes = ['solid', 'h-stripes', 'v-stripes', 'checker', 'dots'];
    for (let r = 0; r < 128; r++) {
      const row = Array.from(scores.subarray(r * 5, r * 5 + 5));
      expect(rows[r + 1]!.split(',')[1]).toBe(classes[row.indexOf(Math.max(...row))]);
    }
  });

  it('runs a search space of ridge heads only: nothing to train, every layer solved', async () => {
    const { home, store } = fixture;
    const heads = join(home, 'ridge-only.yaml');
    writeFileSync(heads, 'type: ridge\n');
    const run = await runCli([
      '--home',
      home,
      'train',
      '--store',
      store,
      '--layers',
      'block1/pool,logits',
      '--heads',
      heads,
      '--epochs',
      '3',
      '--workers',
      '2',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { events, result } = checkJsonLines(run.stdout, trainingResultSchema);
    expect(events.filter((e) => e.type === 'train.unit')).toHaveLength(0);
    expect(result.layers.map((l) => [l.layer, l.best.head.type, l.best.head.epochs])).toEqual([
      ['block1/pool', 'ridge', 1],
      ['logits', 'ridge', 1],
    ]);
  });
});
