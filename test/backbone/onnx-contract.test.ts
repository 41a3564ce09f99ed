import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnnxBackbone } from '../../src/backbone/onnx-backbone.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { captureContract } from './capture-contract.js';
import { onnxCase } from './onnx-case.js';
import {
  anySizeCnn,
  fixedBatchCnn,
  nhwcCnn,
  qdqCnn,
  randomImages,
  smallCnnGraph,
  writeExternalDataModel,
} from './onnx-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-onnx-contract-'));

function writeModel(name: string, bytes: Uint8Array): string {
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, bytes);
  return path;
}

captureContract(
  onnxCase(
    'tiny CNN (NCHW)',
    () => writeModel('tiny', tinyCnn()),
    () => randomImages(5, 8, 8),
  ),
);
captureContract(
  onnxCase(
    'builtin:shapes-cnn',
    () => 'builtin:shapes-cnn',
    () => randomImages(4, 32, 32, 3, 2),
  ),
);
captureContract(
  onnxCase(
    'NHWC CNN (tf2onnx-style)',
    () => writeModel('nhwc', nhwcCnn()),
    () => randomImages(4, 8, 8, 3, 3),
  ),
);
captureContract({
  ...onnxCase(
    'QDQ-quantized CNN',
    () => writeModel('qdq', qdqCnn()),
    () => randomImages(4, 8, 8, 3, 4),
  ),
  // The reference cut ends inside a QDQ group, which ONNX Runtime then runs unfused.
  tolerance: 1e-5,
});
captureContract(
  onnxCase(
    'fixed-batch CNN',
    () => writeModel('fixed', fixedBatchCnn()),
    () => randomImages(3, 8, 8, 3, 5),
  ),
);
captureContract(
  onnxCase(
    'CNN with external data',
    () => {
      const folder = mkdtempSync(join(dir, 'external-'));
      return writeExternalDataModel(folder, smallCnnGraph(), 13);
    },
    () => randomImages(3, 8, 8, 3, 6),
  ),
);

describe('ONNX-specific capture', () => {
  it('finds the channels-last map of an NHWC model and pools it over H and W', async () => {
    const backbone = await OnnxBackbone.load(writeModel('nhwc2', nhwcCnn()));
    const point = backbone.points.find((p) => p.name === 'block1/nhwc')!;
    expect(point).toMatchObject({ layout: 'channels-last', shape: ['N', 8, 8, 4], pooledSize: 4 });
    expect(backbone.resolvePreprocess()).toMatchObject({ layout: 'nhwc', resize: [8, 8] });
  });

  it('lists int8 QDQ tensors as non-float and never as layers', async () => {
    const backbone = await OnnxBackbone.load(writeModel('qdq2', qdqCnn()));
    expect(backbone.excludedTensors.get('block1/out/q')).toBe('holds int8 values, not floats');
    expect(backbone.points.some((p) => p.name === 'block1/out/q')).toBe(false);
    expect(backbone.points.some((p) => p.name === 'block1/out/dq')).toBe(true);
  });

  it('runs a fixed-batch model record by record, whatever the batch size', async () => {
    const backbone = await OnnxBackbone.load(writeModel('fixed2', fixedBatchCnn()));
    expect(backbone.points.find((p) => p.name === 'block1/relu')?.shape).toEqual(['N', 4, 8, 8]);
    const session = await backbone.openCapture(backbone.points.slice(-1), 'mean', {
      threads: 1,
      preprocess: backbone.resolvePreprocess(),
    });
    const [logits] = await session.run(randomImages(5, 8, 8));
    await session.release();
    expect(logits!.length).toBe(15);
  });

  it('hashes external data into the digest and counts it in the weight bytes', async () => {
    const folder = mkdtempSync(join(dir, 'external-digest-'));
    const backbone = await OnnxBackbone.load(writeExternalDataModel(folder, smallCnnGraph(), 13));
    expect(backbone.file.externalFiles).toEqual(['weights.bin']);
    expect(backbone.weightBytes).toBeGreaterThan(backbone.file.bytes.length + 1000);
    writeFileSync(join(folder, 'weights.bin'), new Uint8Array(10));
    await expect(OnnxBackbone.load(join(folder, 'model.onnx'))).rejects.toMatchObject({ exitCode: 65 });
  });

  it('measures a model that takes any image size at 224x224 and needs --resize to capture', async () => {
    const backbone = await OnnxBackbone.load(writeModel('any-size', anySizeCnn()));
    expect(backbone.points.find((p) => p.name === 'block1/relu')?.shape).toEqual(['N', 4, 224, 224]);
    expect(() => backbone.resolvePreprocess()).toThrow(
      expect.objectContaining({
        exitCode: 65,
        message: expect.stringMatching(/pass --resize H,W/) as string,
      }),
    );
    const preprocess = backbone.resolvePreprocess({ resize: [12, 10] });
    const points = backbone.points.filter((p) => p.name === 'block1/relu');
    const session = await backbone.openCapture(points, 'max', { threads: 1, preprocess });
    const [pooled] = await session.run(randomImages(2, 12, 10));
    await session.release();
    expect(pooled!.length).toBe(8);
    await expect(backbone.openCapture(points, 'grid:2', { threads: 1, preprocess })).rejects.toThrow(
      /takes any image size .* --pool grid:2 needs --resize 224,224/,
    );
  });
});
