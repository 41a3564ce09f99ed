import { describe, expect, it } from 'vitest';
import { readModel } from '../../src/core/onnx/index.js';
import { openSession } from '../../models/ort-session.js';
import { buildShapesCnn, quickBuild } from '../../models/shapes-cnn-build.js';

describe('shapes CNN build', () => {
  it('writes the same bytes twice, and a model ONNX Runtime opens', async () => {
    const first = await buildShapesCnn(quickBuild);
    const second = await buildShapesCnn(quickBuild);
    expect(first.epochs.at(-1)!.steps).toBe(quickBuild.train.maxSteps);
    expect(Buffer.from(first.bytes).equals(Buffer.from(second.bytes))).toBe(true);

    const session = await openSession(first.bytes);
    expect(session.inputNames).toEqual(['image']);
    expect(session.outputNames).toEqual(['logits']);
    await session.release();
    expect(readModel(first.bytes).graph.initializers.map((i) => i.name)).toContain('block1/conv/weight');
  });

  it('changes its weights with the training seed', async () => {
    const other = await buildShapesCnn({ ...quickBuild, train: { ...quickBuild.train, seed: 8 } });
    const base = await buildShapesCnn(quickBuild);
    expect(Buffer.from(other.bytes).equals(Buffer.from(base.bytes))).toBe(false);
  });
});
