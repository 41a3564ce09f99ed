import { Rng } from '../core/random.js';

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

/** `count` rows of `x` ([count, from]) through the projection, as [count, to]. */
export function projectRows(p: Projection, x: Float64Array, count: number): Float64Array {
  if (!p.matrix) return x;
  const out = new Float64Array(count * p.to);
  for (let r = 0; r < count; r++) {
    const at = r * p.to;
    for (let i = 0; i < p.from; i++) {
      const xi = x[r * p.from + i]!;
      if (xi === 0) continue;
      const row = i * p.to;
      for (let j = 0; j < p.to; j++) out[at + j] = out[at + j]! + xi * p.matrix[row + j]!;
    }
  }
  return out;
}
