import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { OnnxBackbone } from '../../src/backbone/onnx-backbone.js';
import { selectLayers } from '../../src/backbone/select-layers.js';
import { preprocessImages, resolveImagePreprocess } from '../../src/backbone/image-preprocess.js';
import type { ImageBatch } from '../../src/data/record-batch.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { tinyImages } from '../fixtures/tiny-dataset.js';

const preprocess = resolveImagePreprocess(['N', 3, 8, 8]);
const capture = { threads: 1, preprocess };

async function runModel(bytes: Uint8Array, images: ImageBatch): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes);
  const input = new ort.Tensor('float32', preprocessImages(images, preprocess), [images.count, 3, 8, 8]);
  const out = await session.run({ image: input });
  await session.release();
  return out[session.outputNames[0]!]!;
}

describe('ONNX backbone capture', () => {
  let dir: string;
  let backbone: OnnxBackbone;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'layerlab-backbone-'));
    writeFileSync(join(dir, 'tiny.onnx'), tinyCnn());
    backbone = await OnnxBackbone.load(join(dir, 'tiny.onnx'));
  });

  it('discovers float capture points with symbolic batch, blocks and pooled sizes', () => {
    const byName = Object.fromEntries(backbone.points.map((p) => [p.name, p]));
    expect(byName['block1/relu']).toMatchObject({
      op: 'Relu',
      block: 'block1',
      shape: ['N', 4, 8, 8],
      size: 256,
      pooledSize: 4,
    });
    expect(byName['block2/relu']).toMatchObject({ shape: ['N', 6, 4, 4], size: 96, pooledSize: 6 });
    expect(byName['head/logits']).toMatchObject({ shape: ['N', 3], size: 3, pooledSize: 3 });
    expect(selectLayers(backbone.points, ['blocks']).map((p) => p.name)).toEqual([
      'block1/relu',
      'block2/relu',
      'head/logits',
    ]);
  });

  it('captures unpooled tensors equal to a truncated copy of the model', async () => {
    const images = tinyImages(5);
    const points = selectLayers(backbone.points, ['block1/relu', 'block2/conv']);
    const session = await backbone.openCapture(points, 'none', capture);
    const [relu1, conv2] = await session.run(images);
    await session.release();
    const ref1 = await runModel(tinyCnn({ truncateAt: 'block1/relu' }), images);
    const ref2 = await runModel(tinyCnn({ truncateAt: 'block2/conv' }), images);
    expect(Array.from(relu1!)).toEqual(Array.from(ref1.data as Float32Array));
    expect(Array.from(conv2!)).toEqual(Array.from(ref2.data as Float32Array));
  });

  it('pools inside the graph: mean and max equal pooling of the reference tensor', async () => {
    const images = tinyImages(4, 9);
    const [point] = selectLayers(backbone.points, ['block2/relu']);
    const ref = (await runModel(tinyCnn({ truncateAt: 'block2/relu' }), images)).data as Float32Array;
    for (const pooling of ['mean', 'max'] as const) {
      const session = await backbone.openCapture([point!], pooling, capture);
      const [pooled] = await session.run(images);
      await session.release();
      expect(session.views).toEqual([pooling === 'mean' ? 'block2/relu' : 'block2/relu@max']);
      for (let n = 0; n < 4; n++) {
        for (let c = 0; c < 6; c++) {
          const cell = ref.subarray((n * 6 + c) * 16, (n * 6 + c + 1) * 16);
          const expected = pooling === 'mean' ? cell.reduce((a, b) => a + b, 0) / 16 : Math.max(...cell);
          expect(pooled![n * 6 + c]).toBeCloseTo(expected, 6);
        }
      }
    }
  });

  it('leaves the original output bitwise unchanged', async () => {
    const images = tinyImages(3, 4);
    const original = (await runModel(tinyCnn(), images)).data as Float32Array;
    const session = await backbone.openCapture(backbone.points, 'mean', capture);
    const outputs = await session.run(images);
    await session.release();
    const logits = outputs[session.views.indexOf('head/logits')]!;
    expect(
      Buffer.from(logits.buffer, logits.byteOffset, logits.byteLength).equals(
        Buffer.from(original.buffer, original.byteOffset, original.byteLength),
      ),
    ).toBe(true);
  });

  it('names the nearest layers for an unknown one', () => {
    expect(() => selectLayers(backbone.points, ['block2/rlu'])).toThrow(
      /unknown layer block2\/rlu; nearest capture points: block2\/relu/,
    );
  });

  it('rejects a truncated model file with a clear error', async () => {
    const bytes = tinyCnn();
    writeFileSync(join(dir, 'broken.onnx'), bytes.subarray(0, bytes.length - 40));
    await expect(OnnxBackbone.load(join(dir, 'broken.onnx'))).rejects.toMatchObject({ exitCode: 65 });
  });
});
