import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { preprocessImages, resolveImagePreprocess } from '../../src/backbone/image-preprocess.js';
import { readModel } from '../../src/core/onnx/index.js';
import type { TrainingResult } from '../../src/core/result.js';
import { openDataset } from '../../src/data/open-dataset.js';
import { parseNdjson, runCli } from './cli-run.js';

describe('predict and export-head (real CLI)', () => {
  const home = mkdtempSync(join(tmpdir(), 'layerlab-deploy-'));
  let result: TrainingResult;

  beforeAll(async () => {
    const demo = await runCli(['--home', home, 'demo', '--json', '--epochs', '3']);
    result = parseNdjson(demo.stdout).at(-1) as unknown as TrainingResult;
  });

  it('predicts every record from the stored features, and the exported model predicts the same', async () => {
    const preds = join(home, 'preds.csv');
    const predict = await runCli([
      '--home',
      home,
      'predict',
      '--run',
      result.run,
      '--data',
      'builtin:shapes',
      '--out',
      preds,
      '--json',
    ]);
    expect(predict.code).toBe(0);
    const summary = parseNdjson(predict.stdout).at(-1)!;
    // The demo's own data: the features come from the store, the backbone does not run again.
    expect(summary).toMatchObject({
      type: 'result',
      head: result.best.head.id,
      layer: result.best.layer,
      records: 4000,
      cached: true,
      store: result.store,
    });
    const rows = readFileSync(preds, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('id,prediction,p_solid,p_h-stripes,p_v-stripes,p_checker,p_dots');
    expect(rows).toHaveLength(4001);

    const model = join(home, 'head.onnx');
    const exported = await runCli([
      '--home',
      home,
      'export-head',
      '--run',
      result.run,
      '--out',
      model,
      '--json',
    ]);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({
      inputs: ['image'],
      output: 'scores',
      layer: result.best.layer,
    });
    const info = readModel(readFileSync(model));
    expect(info.graph.outputs.map((o) => o.name)).toEqual(['scores']);
    // Cut at the layer: nothing after it (the source task's logits) is left in the file.
    expect(info.graph.nodes.flatMap((n) => n.outputs)).not.toContain('logits');

    const dataset = await openDataset('builtin:shapes');
    const records = await dataset.readBatch(0, 256);
    if (records.kind !== 'image') throw new Error('shapes holds images');
    const session = await ort.InferenceSession.create(readFileSync(model), { logSeverityLevel: 3 });
    const input = new ort.Tensor(
      'float32',
      preprocessImages(records, resolveImagePreprocess(['N', 3, 32, 32])),
      [256, 3, 32, 32],
    );
    const scores = (await session.run({ image: input })).scores!.data as Float32Array;
    await session.release();
    const classes = ['solid', 'h-stripes', 'v-stripes', 'checker', 'dots'];
    for (let r = 0; r < 256; r++) {
      const row = Array.from(scores.subarray(r * 5, r * 5 + 5));
      const top = row.indexOf(Math.max(...row));
      const [id, prediction, ...probs] = rows[r + 1]!.split(',');
      expect(id).toBe(String(r));
      expect(prediction).toBe(classes[top]);
      const exp = row.map((s) => Math.exp(s - row[top]!));
      const total = exp.reduce((a, b) => a + b, 0);
      probs.forEach((p, c) => expect(Number(p)).toBeCloseTo(exp[c]! / total, 4));
    }
  });

  it('names the heads when asked for one the run does not have', async () => {
    const run = await runCli([
      '--home',
      home,
      'export-head',
      '--run',
      result.run,
      '--head',
      'm999',
      '--out',
      join(home, 'x.onnx'),
    ]);
    expect(run.code).toBe(66);
    expect(run.stderr).toMatch(/has no head m999; its heads are m0, m1/);
  });
});
