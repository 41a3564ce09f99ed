import type { Moments } from './moments.js';
import { logDetSpd } from './symmetric.js';

/** TransRate's distortion ε, as the authors' code sets it. @default 1e-4 */
export const TRANSRATE_EPS = 1e-4;

/**
 * TransRate (Huang et al., "Frustratingly Easy Transferability Estimation", ICML 2022), as the
 * authors' reference code computes it: on features centred over all rows, the coding rate
 * R(Z) = ½ log det(I + ZᵀZ / (n ε)) minus the mean over classes of R(Z_c) = ½ log det(I + Z_cᵀZ_c / (n_c ε)).
 * High when the features are rich overall and compact within each class. Needs per-class Gram
 * matrices (`Moments.classGrams`).
 */
export function transrate(m: Moments, eps = TRANSRATE_EPS): number {
  const d = m.dims;
  const grams = m.classGrams;
  if (!grams) throw new Error('transrate needs per-class Gram matrices');
  const n = Math.max(1, m.count);
  const mu = Float64Array.from(m.sum, (s) => s / n);
  const whole = codingRate(m.gram, m.sum, n, mu, n, d, eps);
  let within = 0;
  let classes = 0;
  for (let c = 0; c < m.classes; c++) {
    const nc = m.classCounts[c]!;
    if (nc === 0) continue;
    within += codingRate(grams[c]!, m.classSums.subarray(c * d, (c + 1) * d), nc, mu, nc, d, eps);
    classes++;
  }
  return whole - within / Math.max(1, classes);
}

/**
 * ½ log det(I + Σ(z − μ)(z − μ)ᵀ / (scale · ε)) over rows whose raw Gram is `gram`, sum `sum` and
 * count `count`, centred at the global mean μ.
 */
function codingRate(
  gram: Float64Array,
  sum: ArrayLike<number>,
  count: number,
  mu: Float64Array,
  scale: number,
  d: number,
  eps: number,
): number {
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      const centred = gram[i * d + j]! - sum[i]! * mu[j]! - mu[i]! * sum[j]! + count * mu[i]! * mu[j]!;
      a[i * d + j] = centred / (scale * eps) + (i === j ? 1 : 0);
    }
  return 0.5 * logDetSpd(a, d);
}
