import { badModel } from '../core/errors.js';
import type { GraphBuilder } from '../core/onnx/index.js';
import {
  gridSize,
  pointLayout,
  poolingMismatch,
  spatialDims,
  type CapturePoint,
  type Pooling,
} from './capture-point.js';
import { OpsetOps } from './onnx-ops.js';

export interface PoolingContext {
  /** default-domain opset of the graph the nodes join */
  opset: number;
  /** the graph input holding the attention mask [N, T], for masked pooling of token sequences */
  attentionMask?: string;
}

/** Stands in for -infinity in masked max: finite, so masked rows stay free of NaN. */
const MASKED = 3.0e38;

/**
 * Adds in-graph pooling for one capture point and returns the name of a float32 [N, F] output, so
 * only pooled values cross into JavaScript (docs/contract.md, "Pooling"). Global pooling ops for
 * channels-first maps exist in every opset; everything else goes through OpsetOps.
 */
export function addPooling(
  g: GraphBuilder,
  point: CapturePoint,
  pooling: Pooling,
  context: PoolingContext,
): string {
  const mismatch = poolingMismatch(point, pooling);
  if (mismatch) throw badModel(mismatch);
  const ops = new OpsetOps(g, context.opset);
  const x = point.quantized
    ? g.op('DequantizeLinear', [
        point.quantized.tensor,
        point.quantized.scale,
        ...(point.quantized.zeroPoint ? [point.quantized.zeroPoint] : []),
      ])
    : point.dtype
      ? ops.toFloat(point.name)
      : point.name;
  const layout = pointLayout(point);
  if (layout === 'vector') return point.shape.length === 2 ? g.op('Identity', [x]) : ops.flatten(x);
  if (pooling === 'none') return ops.flatten(x);
  const k = gridSize(pooling);
  if (layout === 'channels-first') {
    if (k !== undefined) return gridPool(ops, point, x, k);
    return ops.flatten(g.op(pooling === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool', [x]));
  }
  if (layout === 'channels-last') {
    if (k !== undefined) return gridPool(ops, point, x, k);
    const spatial = point.shape.slice(1, -1).map((_, i) => i + 1);
    return ops.reduce(pooling === 'max' ? 'ReduceMax' : 'ReduceMean', x, spatial);
  }
  // A token sequence [N, T, D].
  if (pooling === 'cls') return ops.pick(x, 1, 0);
  const masked = context.attentionMask !== undefined && point.shape[1] === 'T';
  if (!masked) return ops.reduce(pooling === 'max' ? 'ReduceMax' : 'ReduceMean', x, [1]);
  const mask = ops.unsqueeze(ops.toFloat(context.attentionMask!), [2]); // [N, T, 1]
  if (pooling === 'max') {
    // Padding positions get -MASKED added and so never win; kept positions get exactly 0 added.
    const penalty = g.op('Mul', [g.op('Sub', [mask, g.constFloat([1], [])]), g.constFloat([MASKED], [])]);
    return ops.reduce('ReduceMax', g.op('Add', [x, penalty]), [1]);
  }
  const sum = ops.reduce('ReduceSum', g.op('Mul', [x, mask]), [1]); // [N, D]
  const count = ops.reduce('ReduceSum', mask, [1]); // [N, 1]
  return g.op('Div', [sum, g.op('Max', [count, g.constFloat([1e-9], [])])]);
}

/**
 * K×K adaptive average pooling (PyTorch's AdaptiveAvgPool2d bins: [floor(iH/K), ceil((i+1)H/K)))
 * as one MatMul with a constant [H·W, K·K] averaging matrix, so any H, W and K work in every opset.
 * The result is flattened channel-major: [N, C·K·K].
 */
function gridPool(ops: OpsetOps, point: CapturePoint, x: string, k: number): string {
  const [h, w] = spatialDims(point) as [number, number];
  const weights = gridMatrix(h, w, k);
  const { g } = ops;
  if (pointLayout(point) === 'channels-first') {
    const c = point.shape[1] as number;
    const rows = ops.reshape(x, [0, c, h * w]); // [N, C, HW]
    return ops.flatten(g.op('MatMul', [rows, g.constFloat(weights, [h * w, k * k], 'grid')]));
  }
  const c = point.shape[3] as number;
  const rows = ops.reshape(x, [0, h * w, c]); // [N, HW, C]
  const transposed = transpose(weights, h * w, k * k);
  const pooled = g.op('MatMul', [g.constFloat(transposed, [k * k, h * w], 'grid'), rows]); // [N, KK, C]
  return ops.flatten(g.op('Transpose', [pooled], { perm: [0, 2, 1] }));
}

/** Row-major [H·W, K·K]: entry (y·W + x, i·K + j) = 1/|bin| when pixel (y, x) lies in bin (i, j). */
export function gridMatrix(h: number, w: number, k: number): Float32Array {
  const m = new Float32Array(h * w * k * k);
  const bins = (size: number) =>
    Array.from({ length: k }, (_, i) => [Math.floor((i * size) / k), Math.ceil(((i + 1) * size) / k)]);
  const rowBins = bins(h);
  const colBins = bins(w);
  rowBins.forEach(([y0, y1], i) =>
    colBins.forEach(([x0, x1], j) => {
      const share = 1 / ((y1! - y0!) * (x1! - x0!));
      for (let y = y0!; y < y1!; y++)
        for (let x = x0!; x < x1!; x++) m[(y * w + x) * k * k + i * k + j] = share;
    }),
  );
  return m;
}

function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c]!;
  return t;
}
