import { Rng } from '../core/random.js';
import { projectInto } from './wasm-kernels.js';

/**
 * A seeded Gaussian random projection to a common dimension (Johnson-Lindenstrauss; Achlioptas,
 * JCSS 2003), so layers of different widths are scored at the same D: LogME's (D/2)·log α and the
 * coding rates grow with D. Sets already at or below the target are left as they are.
 */
export interface Projection {
  from: number;
  to: number;
  /** [from, to] row-major, entries N(0, 1/to); absent for the identity */
  matrix?: Float64Array;
}

export function randomProjection(from: number, to: number, seed: number): Projection {
  if (from <= to) return { from, to: from };
  const rng = Rng.derive(seed, `triage/projection/${from}x${to}`);
  const scale = 1 / Math.sqrt(to);
  const matrix = Float64Array.from({ length: from * to }, () => rng.normal() * scale);
  return { from, to, matrix };
}

/**
 * `count` rows of `x` ([count, from]) through the projection, as [count, to], into `out` when given.
 * Each output is a dot product over the input features in index order (the projection read as
 * columns, four at a time, in WebAssembly: ./wasm-kernels.ts), so the result is bit for bit that of
 * accumulating row times matrix, but with sums held in registers instead of stored back on every
 * feature.
 */
export function projectRows(p: Projection, x: Float64Array, count: number, out?: Float64Array): Float64Array {
  if (!p.matrix) return x;
  const result = out ?? new Float64Array(count * p.to);
  projectInto(x, count, p.from, p.to, columnsOf(p), result);
  return result;
}

/** The projection's transpose, [to, from], made once per projection. */
const transposed = new WeakMap<Float64Array, Float64Array>();
function columnsOf(p: Projection): Float64Array {
  const matrix = p.matrix!;
  let columns = transposed.get(matrix);
  if (!columns) {
    columns = new Float64Array(matrix.length);
    for (let i = 0; i < p.from; i++)
      for (let j = 0; j < p.to; j++) columns[j * p.from + i] = matrix[i * p.to + j]!;
    transposed.set(matrix, columns);
  }
  return columns;
}
