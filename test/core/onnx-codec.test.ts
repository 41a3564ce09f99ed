import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { appendToGraph, encodeModel, GraphBuilder, readModel } from '../../src/core/onnx/index.js';

function tinyModel(): Uint8Array {
  const g = new GraphBuilder('tiny');
  const x = g.input('x', 'float32', ['N', 4]);
  const w = g.constFloat([1, 2, 3, 4, 5, 6, 7, 8], [4, 2], 'w');
  const h = g.op('MatMul', [x, w], undefined, 'hidden');
  const r = g.op('Relu', [h], undefined, 'relu');
  g.op('Mul', [r, g.constFloat([0.5], [])], undefined, 'y');
  g.output('y', 'float32', ['N', 2]);
  return encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 17 }] });
}

describe('ONNX codec', () => {
  it('writes a model ONNX Runtime runs, and reads its structure back', async () => {
    const bytes = tinyModel();
    const info = readModel(bytes);
    expect(info.opsets).toEqual([{ domain: '', version: 17 }]);
    expect(info.graph.nodes.map((n) => n.opType)).toEqual(['MatMul', 'Relu', 'Mul']);
    expect(info.graph.inputs[0]).toEqual({ name: 'x', elemType: 1, shape: ['N', 4] });
    expect(info.graph.initializers[0]).toMatchObject({ name: 'w_0', dims: [4, 2], dataType: 1 });

    const session = await ort.InferenceSession.create(bytes);
    const x = new ort.Tensor('float32', Float32Array.from([1, -1, 1, -1]), [1, 4]);
    const out = await session.run({ x });
    // hidden = [1-3+5-7, 2-4+6-8] = [-4, -4] -> relu 0 -> y 0; second check with positive input
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0, 0]);
    const out2 = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 0, 0, 0]), [1, 4]) });
    expect(Array.from(out2.y!.data as Float32Array)).toEqual([0.5, 1]);
  });

  it('appends outputs and nodes without touching the original bytes', async () => {
    const bytes = tinyModel();
    const extra = new GraphBuilder('extra', 'layerlab_');
    const doubled = extra.op('Add', ['hidden', 'hidden']);
    extra.output(doubled, 'float32');
    extra.output('hidden', 'float32');
    const edited = appendToGraph(bytes, { nodes: extra.build().nodes, outputs: extra.build().outputs });
    expect(Buffer.from(edited.subarray(0, bytes.length)).equals(Buffer.from(bytes))).toBe(true);

    const info = readModel(edited);
    expect(info.graph.outputs.map((o) => o.name)).toEqual(['y', doubled, 'hidden']);
    const session = await ort.InferenceSession.create(edited);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 0, 0, 0]), [1, 4]) });
    expect(Array.from(out.hidden!.data as Float32Array)).toEqual([1, 2]);
    expect(Array.from(out[doubled]!.data as Float32Array)).toEqual([2, 4]);
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0.5, 1]);
  });

  it('rejects bytes that are not a model', () => {
    expect(() => readModel(Uint8Array.from([0x0a, 0xff, 0xff]))).toThrow();
  });
});
