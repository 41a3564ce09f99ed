import { usageError } from '../core/errors.js';
import type { Dim } from '../core/onnx/index.js';
import type { Quantization } from './quantized-tensors.js';

/**
 * How a tensor's axes read, which decides what pooling means for it (docs/contract.md, "Pooling"):
 * `channels-first` conv maps [N, C, ...spatial] (ONNX), `channels-last` maps [N, H, W, C] (TF/Keras),
 * `tokens` sequences [N, T, D], and `vector` tensors [N, F] with nothing to pool.
 */
export type PointLayout = 'channels-first' | 'channels-last' | 'tokens' | 'vector';

/** A tensor inside a backbone that features can be captured from. */
export interface CapturePoint {
  /** tensor name in the graph; also the feature view name with default pooling */
  name: string;
  /** op type of the producing node */
  op: string;
  /** the block the tensor belongs to, e.g. `block2`, `layer3.1` or `encoder.layer.5` */
  block: string;
  /** shape with the batch dimension symbolic (`N`) and, for token sequences, the sequence one (`T`) */
  shape: Dim[];
  /** values per record, unpooled (token sequences: at the model's default max length) */
  size: number;
  /** values per record after default pooling */
  pooledSize: number;
  /** how pooling reads the axes; inferred from the rank when absent */
  layout?: PointLayout;
  /** element type when it is not float32 (captured values are always returned as float32) */
  dtype?: 'float16' | 'float64';
  /**
   * a quantized model's integer tensor (or a DequantizeLinear output read back from one): capture
   * dequantizes `tensor` with the scale and zero point its producing op quantized it with
   */
  quantized?: Quantization;
}

/**
 * `mean` | `max` | `cls` | `grid:K` | `none` (docs/contract.md, "Pooling"). `grid:K` is a K×K adaptive
 * average over a conv map, flattened channel-major.
 */
export type Pooling = 'mean' | 'max' | 'cls' | `grid:${number}` | 'none';

export const DEFAULT_POOLING: Pooling = 'mean';

/** Parses a `--pool` value. */
export function parsePooling(text: string): Pooling {
  const value = text.trim();
  if (value === 'mean' || value === 'max' || value === 'cls' || value === 'none') return value;
  const grid = /^grid:(\d+)$/.exec(value);
  if (grid && Number(grid[1]) >= 1 && Number(grid[1]) <= 16) return `grid:${Number(grid[1])}`;
  throw usageError(`--pool ${text} is not a pooling; use mean, max, cls, grid:K (K 1..16) or none`);
}

/** K of `grid:K`, else undefined. */
export function gridSize(pooling: Pooling): number | undefined {
  return pooling.startsWith('grid:') ? Number(pooling.slice('grid:'.length)) : undefined;
}

/** The layout of a point: its own, else from the rank (ONNX maps are channels-first). */
export function pointLayout(point: Pick<CapturePoint, 'shape' | 'layout'>): PointLayout {
  if (point.layout) return point.layout;
  const rank = point.shape.length;
  return rank <= 2 ? 'vector' : rank === 3 ? 'tokens' : 'channels-first';
}

/**
 * Why `pooling` cannot apply to this point, or undefined when it can. A vector is stored as it is
 * under any pooling; `cls` needs a token sequence and `grid:K` a 2-D conv map.
 */
export function poolingMismatch(point: CapturePoint, pooling: Pooling): string | undefined {
  const layout = pointLayout(point);
  if (layout === 'vector' || pooling === 'none' || pooling === 'mean' || pooling === 'max') return undefined;
  if (pooling === 'cls' && layout !== 'tokens')
    return `${point.name} is a conv map, not a token sequence; cls applies to token sequences (use mean, max or grid:K)`;
  if (gridSize(pooling) !== undefined) {
    if (layout === 'tokens')
      return `${point.name} is a token sequence; grid:K applies to conv maps (use mean, max or cls)`;
    if (point.shape.length !== 4)
      return `${point.name} has ${point.shape.length - 2} spatial axes; grid:K needs a 2-D conv map`;
    const [h, w] = spatialDims(point);
    if (typeof h !== 'number' || typeof w !== 'number')
      return `${point.name} has no static spatial size; grid:K needs one (pass --resize H,W)`;
  }
  return undefined;
}

/** [H, W] of a 2-D conv map point, in either layout. */
export function spatialDims(point: Pick<CapturePoint, 'shape' | 'layout'>): [Dim, Dim] {
  const [, a, b, c] = point.shape;
  return pointLayout(point) === 'channels-last' ? [a ?? null, b ?? null] : [b ?? null, c ?? null];
}

/** The channel (or feature) count of a point: what mean/max/cls pooling keeps. */
function featureDim(point: Pick<CapturePoint, 'shape' | 'layout'>): Dim {
  const layout = pointLayout(point);
  const { shape } = point;
  if (layout === 'channels-first') return shape[1] ?? null;
  return shape[shape.length - 1] ?? null;
}

const known = (d: Dim, fallback: number) => (typeof d === 'number' && d > 0 ? d : fallback);

/**
 * Values per record that a capture of `point` under `pooling` returns. `sequenceLength` stands for a
 * symbolic token axis (the tokenizer's max length, as `none` pads to it).
 */
export function pooledDims(
  point: Pick<CapturePoint, 'shape' | 'layout'>,
  pooling: Pooling,
  sequenceLength = 1,
): number {
  const layout = pointLayout(point);
  const rest = point.shape.slice(1);
  if (layout === 'vector' || pooling === 'none')
    return rest.reduce<number>((a, d) => a * known(d, sequenceLength), 1);
  const features = known(featureDim(point), 1);
  const k = gridSize(pooling);
  return k === undefined ? features : features * k * k;
}

/** Values per record after pooling a tensor of this shape (batch dim excluded), read by rank. */
export function pooledSize(shape: readonly Dim[], pooling: Pooling): number {
  return pooledDims({ shape: [...shape] }, pooling);
}

/** The feature view name: the point name, with `@pooling` when not the default (docs/contract.md). */
export function viewName(point: string, pooling: Pooling): string {
  return pooling === DEFAULT_POOLING ? point : `${point}@${pooling}`;
}
