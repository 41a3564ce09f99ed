import type { Moments } from './moments.js';
import { inEigenbasis, symmetricEigen, type SymmetricEigen } from './symmetric.js';

/**
 * LogME (You et al., "LogME: Practical Assessment of Pre-trained Models for Transfer Learning",
 * ICML 2021), following thuml/LogME `LogME.py` (`_fit_fixed_point` with `truncated_svd`): for each
 * class a Bayesian linear regression of the one-vs-rest target on the features, its evidence
 * maximised over the prior precision α and noise precision β by MacKay's fixed point (at most 11
 * steps, stopping when α/β changes by ≤ 1e-3 relative), the log evidence per sample averaged over
 * classes. With N > D only FᵀF is needed: its eigenvalues are the squared singular values σ_i, and
 * uᵢᵀy = vᵢᵀ(Fᵀy)/√σᵢ, where Fᵀy is the class's feature sum.
 */
export function logme(m: Moments, eigen: SymmetricEigen = symmetricEigen(m.gram, m.dims)): number {
  const n = m.count;
  const d = m.dims;
  const top = Math.max(...eigen.values);
  // LogME's truncated_svd keeps singular values with s / s_max > 1e-10, i.e. σ / σ_max > 1e-20
  const kept = [...eigen.values.keys()].filter((k) => eigen.values[k]! > top * 1e-20 && eigen.values[k]! > 0);
  const sigma = kept.map((k) => eigen.values[k]!);
  let total = 0;
  let classes = 0;
  for (let c = 0; c < m.classes; c++) {
    const coords = inEigenbasis(eigen, m.classSums.subarray(c * d, (c + 1) * d));
    const x2 = kept.map((k, i) => (coords[k]! * coords[k]!) / sigma[i]!);
    // ‖y‖² = n_c for a 0/1 target; what the kept directions do not explain is the residual
    const resX2 = m.classCounts[c]! - x2.reduce((a, b) => a + b, 0);
    total += fixedPointEvidence(sigma, x2, resX2, n, d);
    classes++;
  }
  return total / Math.max(1, classes);
}

/** MacKay's fixed point for one target, as LogME.py iterates it; the log evidence divided by N. */
export function fixedPointEvidence(
  sigma: readonly number[],
  x2: readonly number[],
  resX2: number,
  n: number,
  d: number,
): number {
  let alpha = 1;
  let beta = 1;
  let res2 = 0;
  let m2 = 0;
  for (let step = 0; step < 11; step++) {
    const t = alpha / beta;
    let gamma = 0;
    m2 = 0;
    res2 = resX2;
    sigma.forEach((s, i) => {
      gamma += s / (s + t);
      m2 += (s * x2[i]!) / ((t + s) * (t + s));
      res2 += x2[i]! / ((1 + s / t) * (1 + s / t));
    });
    alpha = gamma / (m2 + 1e-5);
    beta = (n - gamma) / (res2 + 1e-5);
    if (Math.abs(alpha / beta - t) / t <= 1e-3) break;
  }
  return logEvidence(sigma, alpha, beta, res2, m2, n, d);
}

/** The log evidence of Bayesian linear regression at (α, β), per sample (LogME's `evidence / N`). */
export function logEvidence(
  sigma: readonly number[],
  alpha: number,
  beta: number,
  res2: number,
  m2: number,
  n: number,
  d: number,
): number {
  const logDet = sigma.reduce((a, s) => a + Math.log(alpha + beta * s), 0);
  return (
    ((d / 2) * Math.log(alpha) +
      (n / 2) * Math.log(beta) -
      0.5 * logDet -
      (beta / 2) * res2 -
      (alpha / 2) * m2 -
      (n / 2) * Math.log(2 * Math.PI)) /
    n
  );
}
