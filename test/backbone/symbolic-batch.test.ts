import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { imageInputDims, preprocessImages } from '../../src/backbone/image-preprocess.js';
import { OnnxBackbone } from '../../src/backbone/onnx-backbone.js';
import { readOnnxFile } from '../../src/backbone/onnx-model-file.js';
import { symbolicBatchModel } from '../../src/backbone/symbolic-batch.js';
import { encodeModel, GraphBuilder, readModel } from '../../src/core/onnx/index.js';
import { Rng } from '../../src/core/random.js';
import type { ImageBatch } from '../../src/data/record-batch.js';
import { fixedBatchCnn, randomImages } from './onnx-fixtures.js';
import { cutReference, runOnnx } from './onnx-reference.js';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-symbolic-batch-'));
const write = (name: string, bytes: Uint8Array) => {
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, bytes);
  return path;
};
const bytesOf = (
  a: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number },
) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * A batch-1 model whose graph mixes records when given more: each map gets the batch mean of the
 * maps added (with one record, itself), as a model exported with a batch-statistics op would.
 */
function batchMixingCnn(): Uint8Array {
  const rng = new Rng(17);
  const g = new GraphBuilder('batch-mixing-cnn');
  const x = g.input('image', 'float32', [1, 3, 8, 8]);
  const w = Float32Array.from({ length: 108 }, () => rng.normal() * 0.4);
  const conv = g.op(
    'Conv',
    [x, g.initializer('block1/w', 'float32', [4, 3, 3, 3], w)],
    { pads: [1, 1, 1, 1] },
    'block1/conv',
  );
  const relu = g.op('Relu', [conv], undefined, 'block1/relu');
  const mean = g.op('ReduceMean', [relu], { axes: [0], keepdims: 1 }, 'block2/batch_mean');
  g.op('Add', [relu, mean], undefined, 'block2/mixed');
  g.output('block2/mixed', 'float32');
  return encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 13 }] });
}

function feedsOf(backbone: OnnxBackbone, records: ImageBatch) {
  const spec = backbone.resolvePreprocess();
  return {
    image: new ort.Tensor('float32', preprocessImages(records, spec), imageInputDims(spec, records.count)),
  };
}

describe('fixed batch of 1 made symbolic', () => {
  it('rewrites the input to N and a Reshape to [1, 256] into [0, 256], computing every record as batch-1 runs do', async () => {
    const path = write('fixed', fixedBatchCnn());
    const file = readOnnxFile(path, path);
    const copy = symbolicBatchModel(file.bytes, 'image')!;
    const info = readModel(copy);
    expect(info.graph.inputs[0]!.shape).toEqual(['N', 3, 8, 8]);
    const reshape = info.graph.nodes.find((n) => n.opType === 'Reshape')!;
    expect(reshape.inputs[1]).toMatch(/^layerlab\/symbolic_batch\//);
    const backbone = await OnnxBackbone.load(path);
    const feeds = feedsOf(backbone, randomImages(5, 8, 8, 3, 21));
    const whole = await runOnnx(file, copy, feeds, 'head/logits');
    const oneByOne = await runOnnx(file, file.bytes, feeds, 'head/logits', 1);
    expect(whole.dims).toEqual([5, 3]);
    expect(bytesOf(whole.data as Float32Array).equals(bytesOf(oneByOne.data as Float32Array))).toBe(true);
  });

  it('leaves a model without a batch-1 input alone', () => {
    expect(symbolicBatchModel(fixedBatchCnn(), 'no-such-input')).toBeUndefined();
  });

  it('captures whole batches once the first batch matched record-by-record runs bitwise', async () => {
    const backbone = await OnnxBackbone.load(write('fixed-capture', fixedBatchCnn()));
    const points = backbone.points.filter((p) => p.name === 'block1/relu' || p.name === 'head/logits');
    const session = await backbone.openCapture(points, 'none', {
      threads: 1,
      preprocess: backbone.resolvePreprocess(),
    });
    try {
      expect(session.batching).toBe('verifying');
      const first = randomImages(4, 8, 8, 3, 22);
      await session.run(first);
      expect(session.batching).toBe('whole-batch');
      const records = randomImages(7, 8, 8, 3, 23);
      const captured = await session.run(records);
      for (const [i, point] of points.entries()) {
        const reference = await cutReference(backbone.file, point, feedsOf(backbone, records), 1);
        expect(bytesOf(captured[i]!).equals(bytesOf(reference.data as Float32Array))).toBe(true);
      }
    } finally {
      await session.release();
    }
  });

  it('runs record by record when the caller turns the symbolic copy off', async () => {
    const backbone = await OnnxBackbone.load(write('fixed-off', fixedBatchCnn()));
    const session = await backbone.openCapture(backbone.points.slice(-1), 'mean', {
      threads: 1,
      preprocess: backbone.resolvePreprocess(),
      symbolicBatch: false,
    });
    await session.run(randomImages(3, 8, 8, 3, 26));
    expect(session.batching).toBe('per-record');
    await session.release();
  });

  it('falls back to record-by-record runs when the symbolic copy computes something else', async () => {
    const backbone = await OnnxBackbone.load(write('mixing', batchMixingCnn()));
    const point = backbone.points.find((p) => p.name === 'block2/mixed')!;
    const session = await backbone.openCapture([point], 'mean', {
      threads: 1,
      preprocess: backbone.resolvePreprocess(),
    });
    try {
      for (const seed of [24, 25]) {
        const records = randomImages(6, 8, 8, 3, seed);
        const [captured] = await session.run(records);
        expect(session.batching).toBe('per-record');
        // per record, mixed = relu + relu: the mean of each channel is twice the relu's mean
        const relu = await cutReference(
          backbone.file,
          backbone.points.find((p) => p.name === 'block1/relu')!,
          feedsOf(backbone, records),
          1,
        );
        const expected = Array.from({ length: 6 * 4 }, (_, k) => {
          let sum = 0;
          for (let j = 0; j < 64; j++) sum += relu.data[k * 64 + j]!;
          return (2 * sum) / 64;
        });
        captured!.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 4));
      }
    } finally {
      await session.release();
    }
  });
});
