import * as ort from 'onnxruntime-node';
import { appendToGraph, type Dim, type ModelInfo, type ValueInfo } from '../core/onnx/index.js';
import { isFloatType } from '../core/dtype.js';
import { pooledSize, DEFAULT_POOLING, type CapturePoint } from './capture-point.js';
import { sessionOptions } from './session-options.js';

/** Ops whose outputs are bookkeeping, never features. */
const NON_FEATURE_OPS = new Set([
  'Constant',
  'Shape',
  'Size',
  'ConstantOfShape',
  'Cast',
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'Range',
  'Equal',
  'Where',
  'NonZero',
  'Identity',
  'Reshape',
  'Flatten',
  'Transpose',
  'Slice',
  'Expand',
]);

/** `block2/relu` -> `block2`; `/layer3/layer3.1/relu/Relu_output_0` -> `layer3`; a bare name is its own block. */
export function blockOf(tensorName: string): string {
  const parts = tensorName.split('/').filter((p) => p.length > 0);
  return parts.length >= 2 ? parts[0]! : tensorName;
}

function probeShape(batch: number, input: ValueInfo): number[] {
  return (input.shape ?? []).map((d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? batch : 1));
}

/**
 * Finds every float tensor a node produces, with its shape. ONNX files rarely carry intermediate
 * shapes, so the model is run twice (batch 1 and 2) with all candidates exposed as untyped extra
 * outputs: ORT infers their types, and the dimension that follows the batch size is the batch axis.
 */
export async function discoverPoints(
  bytes: Uint8Array,
  info: ModelInfo,
  input: ValueInfo,
): Promise<CapturePoint[]> {
  const declared = new Set(info.graph.outputs.map((o) => o.name));
  const candidates = info.graph.nodes
    .filter((n) => !NON_FEATURE_OPS.has(n.opType))
    .flatMap((n) => n.outputs.filter((o) => o.length > 0).map((o) => ({ name: o, op: n.opType })));
  const probe = appendToGraph(bytes, {
    outputs: candidates.filter((c) => !declared.has(c.name)).map((c) => ({ name: c.name })),
  });
  const session = await ort.InferenceSession.create(probe, sessionOptions(1));
  try {
    const shapes: number[][][] = [];
    for (const batch of [1, 2]) {
      const dims = probeShape(batch, input);
      const feed = {
        [input.name]: new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims),
      };
      const out = await session.run(feed);
      shapes.push(
        candidates.map((c) =>
          out[c.name] && isFloatType(typeCode(out[c.name]!.type)) ? [...out[c.name]!.dims] : [],
        ),
      );
      for (const tensor of Object.values(out)) tensor.dispose();
    }
    const points: CapturePoint[] = [];
    candidates.forEach((c, i) => {
      const one = shapes[0]![i]!;
      const two = shapes[1]![i]!;
      if (one.length === 0 || one[0] !== 1 || two[0] !== 2) return; // not float, or no batch axis
      const shape: Dim[] = one.map((d, axis) => (axis === 0 ? 'N' : d));
      const size = one.slice(1).reduce((a, b) => a * b, 1);
      points.push({
        name: c.name,
        op: c.op,
        block: blockOf(c.name),
        shape,
        size,
        pooledSize: pooledSize(shape, DEFAULT_POOLING),
      });
    });
    return points;
  } finally {
    await session.release();
  }
}

function typeCode(type: string): number {
  return type === 'float32' ? 1 : type === 'float16' ? 10 : type === 'float64' ? 11 : 0;
}
