import { Rng } from '../core/random.js';
import { projectColumns } from './project-kernel.js';

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
 * Each output is a dot product over the input features in index order, so the result is bit for bit
 * that of accumulating row times matrix, but with sums held in registers instead of stored back on
 * every feature. Columns in whole eights go through the SIMD kernel (`project-kernel.ts`, the same
 * sums); the rest, or all where WebAssembly SIMD is missing, through the loops below (the
 * projection read as columns, four at a time).
 */
export function projectRows(p: Projection, x: Float64Array, count: number, out?: Float64Array): Float64Array {
  if (!p.matrix) return x;
  const from = p.from;
  const to = p.to;
  const result = out ?? new Float64Array(count * to);
  const eights = to - (to % 8);
  const done = projectColumns(p.matrix, from, to, eights, x, count, result) ? eights : 0;
  if (done < to) projectRemaining(p, x, count, result, done);
  return result;
}

/** Columns `first`…to − 1 of the projection, in JavaScript. */
function projectRemaining(
  p: Projection,
  x: Float64Array,
  count: number,
  result: Float64Array,
  first: number,
) {
  const from = p.from;
  const to = p.to;
  const columns = columnsOf(p);
  for (let r = 0; r < count; r++) {
    const xBase = r * from;
    const at = r * to;
    let j = first;
    for (; j + 4 <= to; j += 4) {
      const c0 = j * from;
      const c1 = c0 + from;
      const c2 = c1 + from;
      const c3 = c2 + from;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < from; i++) {
        const xi = x[xBase + i]!;
        s0 += xi * columns[c0 + i]!;
        s1 += xi * columns[c1 + i]!;
        s2 += xi * columns[c2 + i]!;
        s3 += xi * columns[c3 + i]!;
      }
      result[at + j] = s0;
      result[at + j + 1] = s1;
      result[at + j + 2] = s2;
      result[at + j + 3] = s3;
    }
    for (; j < to; j++) {
      const c = j * from;
      let s = 0;
      for (let i = 0; i < from; i++) s += x[xBase + i]! * columns[c + i]!;
      result[at + j] = s;
    }
  }
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
