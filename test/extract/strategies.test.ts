import { beforeAll, describe, expect, it } from 'vitest';
import type { OnnxBackbone } from '../../src/backbone/onnx-backbone.js';
import { selectLayers } from '../../src/backbone/select-layers.js';
import { analyzeCut, cutModel } from '../../src/backbone/submodel-cut.js';
import { encodeModel, GraphBuilder } from '../../src/core/onnx/index.js';
import { openDataset } from '../../src/data/open-dataset.js';
import { extract } from '../../src/extract/extract.js';
import type { Strategy } from '../../src/extract/plan.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import type { Pooling } from '../../src/backbone/capture-point.js';
import { randomIdx, tempDir, writeIdxPair } from '../data/write-datasets.js';
import { tinyBackbone, tinyPreprocess } from './tiny-backbone.js';

describe('staged, lazy and one-pass extraction', () => {
  let backbone: OnnxBackbone;
  let dataDir: string;
  beforeAll(async () => {
    ({ backbone } = await tinyBackbone());
    dataDir = tempDir();
    writeIdxPair(dataDir, 'train', randomIdx(45, 11), { gz: true });
  });

  async function run(
    strategy: Strategy,
    pooling: Pooling,
    layers = ['block1/relu', 'block2/relu', 'head/logits'],
  ) {
    const storeDir = tempDir('layerlab-store-');
    const result = await extract({
      backbone,
      dataset: await openDataset(dataDir),
      points: selectLayers(backbone.points, layers),
      pooling,
      preprocess: tinyPreprocess,
      storeDir,
      sink: () => {},
      strategy,
      batchSize: 8,
    });
    const store = FeatureStore.open(storeDir, { write: false });
    const values = result.featureSets.map((s) => Array.from(store.readFeatures(s.key)));
    const leftovers = store.featureSets().filter((s) => s.temporary);
    store.close();
    return { result, values, leftovers };
  }

  for (const pooling of ['mean', 'max', 'none'] as const) {
    it(`gives byte-identical ${pooling} features whatever the plan`, async () => {
      const onePass = await run('one-pass', pooling);
      const staged = await run('staged', pooling);
      const lazy = await run('lazy', pooling);
      expect(onePass.result.plan.mode).toBe('one-pass');
      expect(staged.result.plan.mode).toBe('staged');
      expect(staged.result.plan.stages.map((s) => s.from)).toEqual([
        'input',
        `block1/relu${pooling === 'mean' ? '' : `@${pooling}`}`,
        `block2/relu${pooling === 'mean' ? '' : `@${pooling}`}`,
      ]);
      expect(lazy.result.plan.stages).toHaveLength(3);
      expect(staged.values).toEqual(onePass.values);
      expect(lazy.values).toEqual(onePass.values);
      // Staged boundaries nobody asked for are gone once the extraction completes.
      expect(staged.leftovers).toEqual([]);
    });
  }

  it('picks staged by itself for raw features', async () => {
    const auto = await run('auto', 'none');
    expect(auto.result.plan.mode).toBe('staged');
    expect(auto.result.plan.reason).toMatch(/raw features/);
  });
});

describe('sub-model cuts', () => {
  /** x -> r1 = Relu(Conv x) -> c2 = Conv r1 -> s = Add(c2, r1): a residual block. */
  function residual(): Uint8Array {
    const g = new GraphBuilder('residual');
    const x = g.input('x', 'float32', ['N', 2, 4, 4]);
    const w = g.constFloat(
      Array.from({ length: 2 * 2 * 9 }, (_, i) => ((i % 5) - 2) / 10),
      [2, 2, 3, 3],
    );
    const r1 = g.op('Relu', [g.op('Conv', [x, w], { pads: [1, 1, 1, 1] }, 'c1')], undefined, 'r1');
    const c2 = g.op('Conv', [r1, w], { pads: [1, 1, 1, 1] }, 'c2');
    g.op('Add', [c2, r1], undefined, 's');
    g.output('s', 'float32');
    return encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 17 }] });
  }

  it('cuts where one tensor carries everything, and not inside a skip connection', () => {
    const model = residual();
    expect(analyzeCut(model, 'r1', ['s'])).toEqual({ nodes: 2, external: [] });
    // From c2, s still needs r1, so the cut reaches back to the model's input.
    expect(analyzeCut(model, 'c2', ['s']).external).toEqual(['x']);
    expect(analyzeCut(model, undefined, ['r1']).external).toEqual(['x']);
    expect(() => cutModel(model, { name: 'c2', shape: ['N', 2, 4, 4] }, ['s'])).toThrow(/also need x/);
  });

  it('runs a cut sub-model in ONNX Runtime to the values of the whole model', async () => {
    const ort = await import('onnxruntime-node');
    const model = residual();
    const x = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i));
    const full = await ort.InferenceSession.create(model);
    const withR1 = await ort.InferenceSession.create(cutModel(model, undefined, ['r1', 's']));
    const fromR1 = await ort.InferenceSession.create(
      cutModel(model, { name: 'r1', shape: ['N', 2, 4, 4] }, ['s']),
    );
    const expected = (await full.run({ x: new ort.Tensor('float32', x, [1, 2, 4, 4]) })).s!
      .data as Float32Array;
    const first = await withR1.run({ x: new ort.Tensor('float32', x, [1, 2, 4, 4]) });
    const second = await fromR1.run({
      r1: new ort.Tensor('float32', first.r1!.data as Float32Array, [1, 2, 4, 4]),
    });
    expect(Array.from(first.s!.data as Float32Array)).toEqual(Array.from(expected));
    // Started from the boundary, ORT's NCHWc layout pass may fuse the residual Add differently:
    // equal to the last bit or two, not always bit for bit (the CNN above is bit for bit).
    const fromBoundary = second.s!.data as Float32Array;
    expected.forEach((v, i) =>
      expect(Math.abs(fromBoundary[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 1e-6 + 1e-7),
    );
  });
});
