import type { FeatureStore } from '../store/feature-store.js';
import { projectRows, type Projection } from './project.js';

/** Rows are read from the store this many at a time, so memory stays at one chunk plus D×D. */
export const CHUNK_ROWS = 2048;

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

/**
 * One chunk scaled then projected, in float64 (the validation pass of `ridge`; the train passes run
 * the same arithmetic in WebAssembly, `part-pass.ts`).
 */
export function transformChunk(
  x: Float32Array,
  count: number,
  scaling: Scaling,
  projection: Projection,
): Float64Array {
  const dims = scaling.mean.length;
  const scaled = new Float64Array(count * dims);
  const { mean, std } = scaling;
  for (let r = 0; r < count; r++) {
    const base = r * dims;
    for (let d = 0; d < dims; d++) scaled[base + d] = (x[base + d]! - mean[d]!) / std[d]!;
  }
  return projection.matrix ? projectRows(projection, scaled, count) : scaled;
}
