import { Matrix } from 'ml-matrix';
import { Rng } from '../../src/core/random.js';

/** n rows of d features, standardised over the rows; the first `informative` features shift by class. */
export function labelledRows(
  n: number,
  d: number,
  classes: number,
  seed: number,
  informative: number,
  separation = 1.5,
): { z: Float64Array; y: Int32Array } {
  const rng = new Rng(seed);
  const means = Array.from({ length: classes }, () =>
    Array.from({ length: d }, () => rng.normal() * separation),
  );
  const y = Int32Array.from({ length: n }, (_, i) => i % classes);
  const z = new Float64Array(n * d);
  for (let r = 0; r < n; r++)
    for (let j = 0; j < d; j++) z[r * d + j] = (j < informative ? means[y[r]!]![j]! : 0) + rng.normal();
  return { z: standardise(z, n, d), y };
}

export function standardise(z: Float64Array, n: number, d: number): Float64Array {
  const out = z.slice();
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let r = 0; r < n; r++) mean += z[r * d + j]! / n;
    let variance = 0;
    for (let r = 0; r < n; r++) variance += (z[r * d + j]! - mean) ** 2 / n;
    const std = Math.sqrt(variance) || 1;
    for (let r = 0; r < n; r++) out[r * d + j] = (z[r * d + j]! - mean) / std;
  }
  return out;
}

export const asMatrix = (z: Float64Array, n: number, d: number): Matrix =>
  new Matrix(Array.from({ length: n }, (_, r) => Array.from(z.subarray(r * d, (r + 1) * d))));

/** Rows of `z` in the order `order`, with their labels. */
export function permuteRows(z: Float64Array, y: Int32Array, d: number, order: number[]) {
  const pz = new Float64Array(z.length);
  order.forEach((from, to) => pz.set(z.subarray(from * d, (from + 1) * d), to * d));
  return { z: pz, y: Int32Array.from(order, (from) => y[from]!) };
}
