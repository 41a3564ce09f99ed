import type { FeatureStore } from '../store/feature-store.js';
import { projectRows, type Projection } from './project.js';

/** Rows are read from the store this many at a time, so memory stays at one chunk plus D×D. */
export const CHUNK_ROWS = 2048;

export type RowChunk = { x: Float32Array; rows: Int32Array };

/** Per-feature scaling as training applies it: (x − mean) / std, std 1 for constant features. */
export interface Scaling {
  mean: ArrayLike<number>;
  std: ArrayLike<number>;
}

/** Chunks of `rows` of a feature set, read the way the trainer reads them (`FeatureStore.readRows`). */
export function* rowChunks(
  store: FeatureStore,
  key: string,
  rows: Int32Array,
): Generator<{ x: Float32Array; rows: Int32Array }> {
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const slice = rows.subarray(start, Math.min(rows.length, start + CHUNK_ROWS));
    yield { x: store.readRows(key, slice), rows: slice };
  }
}

/** Per-feature Σ (x − shift) and Σ (x − shift)² over some rows: one part's share of the scaling pass. */
export interface ScalingSums {
  sum: Float64Array;
  squares: Float64Array;
}

/**
 * The per-feature mean and standard deviation from the parts' sums, added in part order;
 * constant features get std 1 (as the trainer's `computeStandardization`).
 */
export function scalingOf(parts: readonly ScalingSums[], shift: Float64Array, count: number): Scaling {
  const dims = shift.length;
  const sum = new Float64Array(dims);
  const squares = new Float64Array(dims);
  for (const part of parts)
    for (let d = 0; d < dims; d++) {
      sum[d] = sum[d]! + part.sum[d]!;
      squares[d] = squares[d]! + part.squares[d]!;
    }
  const n = Math.max(1, count);
  const mean = Float64Array.from(sum, (s, d) => shift[d]! + s / n);
  const std = Float64Array.from(squares, (q, d) => {
    const variance = Math.max(0, q / n - (sum[d]! / n) ** 2);
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  return { mean, std };
}

/** Buffers reused from chunk to chunk, so a pass allocates per set, not per chunk. */
export interface ChunkScratch {
  scaled?: Float64Array;
  projected?: Float64Array;
}

const sized = (buffer: Float64Array | undefined, length: number) =>
  buffer && buffer.length >= length ? buffer.subarray(0, length) : new Float64Array(length);

/**
 * One chunk scaled then projected, in float64. With `scratch` the result lives in its buffers and is
 * overwritten by the next call.
 */
export function transformChunk(
  x: Float32Array,
  count: number,
  scaling: Scaling,
  projection: Projection,
  scratch?: ChunkScratch,
): Float64Array {
  const dims = scaling.mean.length;
  const scaled = sized(scratch?.scaled, count * dims);
  const { mean, std } = scaling;
  for (let r = 0; r < count; r++) {
    const base = r * dims;
    for (let d = 0; d < dims; d++) scaled[base + d] = (x[base + d]! - mean[d]!) / std[d]!;
  }
  if (!projection.matrix) {
    if (scratch) scratch.scaled = scaled;
    return scaled;
  }
  const projected = projectRows(projection, scaled, count, sized(scratch?.projected, count * projection.to));
  if (scratch) Object.assign(scratch, { scaled, projected });
  return projected;
}
