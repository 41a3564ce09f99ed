import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxBackbone } from '../../src/backbone/onnx-backbone.js';
import { preprocessImages } from '../../src/backbone/image-preprocess.js';
import { selectLayers } from '../../src/backbone/select-layers.js';
import { openDataset } from '../../src/data/open-dataset.js';

describe('capture on the embedded backbone (builtin:shapes-cnn)', () => {
  it('returns every block in one pass with the right sizes and keeps logits bitwise equal', async () => {
    const backbone = await OnnxBackbone.load('builtin:shapes-cnn');
    const points = selectLayers(backbone.points, ['blocks']);
    expect(points.map((p) => p.name)).toEqual([
      'block1/pool',
      'block2/pool',
      'block3/pool',
      'block4/relu',
      'pool',
      'logits',
    ]);
    const preprocess = backbone.resolvePreprocess();
    const records = await (await openDataset('builtin:shapes')).readBatch(0, 16);
    if (records.kind !== 'image') throw new Error('shapes holds images');
    const session = await backbone.openCapture(points, 'none', { threads: 1, preprocess });
    const captured = await session.run(records);
    await session.release();

    // The unmodified file in a plain session.
    const plain = await ort.InferenceSession.create(readFileSync(backbone.source.path), {
      logSeverityLevel: 3,
    });
    const input = new ort.Tensor('float32', preprocessImages(records, preprocess), [16, 3, 32, 32]);
    const logits = (await plain.run({ image: input })).logits!.data as Float32Array;
    await plain.release();
    const capturedLogits = captured[points.findIndex((p) => p.name === 'logits')]!;
    expect(
      Buffer.from(capturedLogits.buffer).equals(
        Buffer.from(logits.buffer, logits.byteOffset, logits.byteLength),
      ),
    ).toBe(true);
    points.forEach((p, i) => expect(captured[i]!.length).toBe(16 * p.size));
  });
});
