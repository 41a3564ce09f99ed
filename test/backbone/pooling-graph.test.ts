import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { CapturePoint, PointLayout, Pooling } from '../../src/backbone/capture-point.js';
import { parsePooling, pooledDims, poolingMismatch, viewName } from '../../src/backbone/capture-point.js';
import { addPooling } from '../../src/backbone/pooling-graph.js';
import { encodeModel, GraphBuilder, type Dim } from '../../src/core/onnx/index.js';
import { Rng } from '../../src/core/random.js';
import { expectClose } from './capture-contract.js';
import { poolReference } from './reference-pooling.js';

/** Runs `pooling` of a point fed directly as the graph input, in a model of the given opset. */
async function pool(
  opset: number,
  layout: PointLayout,
  dims: number[],
  pooling: Pooling,
  values: Float32Array,
  mask?: number[][],
): Promise<Float32Array> {
  const g = new GraphBuilder('pooling', 'layerlab/');
  const symbolic: Dim[] = dims.map((d, i) =>
    i === 0 ? 'N' : layout === 'tokens' && i === 1 && mask ? 'T' : d,
  );
  const x = g.input('x', 'float32', symbolic);
  const point: CapturePoint = {
    name: 'tensor',
    op: 'Identity',
    block: 'b',
    shape: symbolic,
    size: 0,
    pooledSize: 0,
    layout,
  };
  g.op('Identity', [x], undefined, 'tensor');
  const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', values, dims) };
  if (mask) {
    g.input('attention_mask', 'int64', ['N', 'T']);
    feeds.attention_mask = new ort.Tensor('int64', BigInt64Array.from(mask.flat().map(BigInt)), [
      dims[0]!,
      dims[1]!,
    ]);
  }
  const out = addPooling(g, point, pooling, { opset, attentionMask: mask ? 'attention_mask' : undefined });
  g.output(out, 'float32');
  const session = await ort.InferenceSession.create(
    encodeModel({ graph: g.build(), opsets: [{ domain: '', version: opset }] }),
  );
  const result = (await session.run(feeds))[out]!;
  await session.release();
  return result.data as Float32Array;
}

const random = (n: number, seed: number) => {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
};

describe('in-graph pooling', () => {
  for (const opset of [9, 13, 18]) {
    it(`pools conv maps (both layouts) and masked token sequences in opset ${opset}`, async () => {
      const nchw = random(2 * 3 * 5 * 7, opset);
      for (const pooling of ['mean', 'max', 'grid:2', 'grid:3', 'none'] as Pooling[]) {
        const got = await pool(opset, 'channels-first', [2, 3, 5, 7], pooling, nchw);
        expectClose(got, poolReference(nchw, [2, 3, 5, 7], 'channels-first', pooling), 1e-6);
        const nhwc = await pool(opset, 'channels-last', [2, 5, 7, 3], pooling, nchw);
        expectClose(nhwc, poolReference(nchw, [2, 5, 7, 3], 'channels-last', pooling), 1e-6);
      }
      const tokens = random(3 * 4 * 6, opset + 1);
      const mask = [
        [1, 1, 1, 1],
        [1, 1, 0, 0],
        [1, 0, 0, 0],
      ];
      for (const pooling of ['mean', 'max', 'cls'] as Pooling[]) {
        const got = await pool(opset, 'tokens', [3, 4, 6], pooling, tokens, mask);
        expectClose(got, poolReference(tokens, [3, 4, 6], 'tokens', pooling, mask), 1e-6);
      }
      // Without a mask (a ViT's patch tokens) mean and max run over every token.
      const unmasked = await pool(opset, 'tokens', [3, 4, 6], 'mean', tokens);
      expectClose(unmasked, poolReference(tokens, [3, 4, 6], 'tokens', 'mean'), 1e-6);
    });
  }

  it('ignores whatever sits under the mask', async () => {
    const tokens = random(2 * 3 * 4, 5);
    const noisy = Float32Array.from(tokens);
    for (const i of [8, 9, 10, 11, 20, 21, 22, 23]) noisy[i] = 1e6; // the masked positions
    const mask = [
      [1, 1, 0],
      [1, 1, 0],
    ];
    for (const pooling of ['mean', 'max'] as Pooling[]) {
      expect(Array.from(await pool(13, 'tokens', [2, 3, 4], pooling, noisy, mask))).toEqual(
        Array.from(await pool(13, 'tokens', [2, 3, 4], pooling, tokens, mask)),
      );
    }
  });

  it('parses --pool values, sizes pooled views and names them', () => {
    expect(parsePooling('grid:2')).toBe('grid:2');
    expect(() => parsePooling('avg')).toThrow(/use mean, max, cls, grid:K/);
    const map: CapturePoint = {
      name: 'm',
      op: 'Conv',
      block: 'b',
      shape: ['N', 8, 4, 4],
      size: 128,
      pooledSize: 8,
    };
    const tokens: CapturePoint = { ...map, shape: ['N', 'T', 16], layout: 'tokens' };
    expect([pooledDims(map, 'mean'), pooledDims(map, 'grid:2'), pooledDims(map, 'none')]).toEqual([
      8, 32, 128,
    ]);
    expect([pooledDims(tokens, 'cls'), pooledDims(tokens, 'none', 10)]).toEqual([16, 160]);
    expect(poolingMismatch(tokens, 'grid:2')).toMatch(/token sequence; grid:K applies to conv maps/);
    expect(poolingMismatch(map, 'cls')).toMatch(/conv map, not a token sequence/);
    expect(viewName('Pooling66_Output_0', 'grid:2')).toBe('Pooling66_Output_0@grid:2');
    expect(viewName('x', 'mean')).toBe('x');
  });
});
