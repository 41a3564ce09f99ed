import type { Dim } from '../core/onnx/index.js';

/** A tensor inside a backbone that features can be captured from. */
export interface CapturePoint {
  /** tensor name in the graph; also the feature view name with default pooling */
  name: string;
  /** op type of the producing node */
  op: string;
  /** the block the tensor belongs to, e.g. `block2` or `layer3.1` */
  block: string;
  /** shape with the batch dimension symbolic (`N`) */
  shape: Dim[];
  /** values per record, unpooled */
  size: number;
  /** values per record after default pooling */
  pooledSize: number;
}

export type Pooling = 'mean' | 'max' | 'none';

export const DEFAULT_POOLING: Pooling = 'mean';

/** Values per record after pooling a tensor of this shape (batch dim excluded). */
export function pooledSize(shape: readonly Dim[], pooling: Pooling): number {
  const dims = shape.slice(1).map((d) => (typeof d === 'number' ? d : 1));
  if (pooling === 'none' || dims.length <= 1) return dims.reduce((a, b) => a * b, 1);
  return dims[0]!; // channels of an NCHW map
}

/** The feature view name: the point name, with `@pooling` when not the default (DESIGN.md). */
export function viewName(point: string, pooling: Pooling): string {
  return pooling === DEFAULT_POOLING ? point : `${point}@${pooling}`;
}
