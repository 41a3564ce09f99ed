import { centredGram, type Moments } from './moments.js';
import { inEigenbasis, symmetricEigen } from './symmetric.js';

/**
 * H-score (Bao et al., "An Information-Theoretic Approach to Transferability in Task Transfer
 * Learning", ICIP 2019): tr(cov(f)⁻¹ cov(E[f|y])), how much of the feature variance the class means
 * explain. With `shrinkage` it is the regularised form of Ibrahim et al. ("Newer is not always
 * better: Rethinking transferability metrics, their peculiarities, stability and performance",
 * ECML-PKDD 2022): cov(f) replaced by Ledoit-Wolf's (1−a)·Σ + a·(tr Σ / D)·I, with a as
 * scikit-learn's `ledoit_wolf_shrinkage` computes it, and the between-class covariance scaled by
 * (1−a). Plain H-score inverts Σ on its range (a pseudo-inverse, as the reference code does).
 */
export function hscore(m: Moments, shrinkage: boolean): number {
  const d = m.dims;
  const n = Math.max(1, m.count);
  const cov = centredGram(m).map((v) => v / n);
  const a = shrinkage ? ledoitWolfShrinkage(m, cov) : 0;
  const mu = Float64Array.from(m.sum, (s) => s / n);
  let traceCov = 0;
  for (let i = 0; i < d; i++) traceCov += cov[i * d + i]!;
  const target = traceCov / d;
  const shrunk = cov.map((v, k) => (1 - a) * v + (k % (d + 1) === 0 ? a * target : 0));
  const eigen = symmetricEigen(shrunk, d);
  const top = Math.max(...eigen.values);
  // tr(S⁻¹ B) with B = Σ_c (n_c/n)(μ_c − μ)(μ_c − μ)ᵀ = Σ_c (n_c/n) Σ_k (v_kᵀ(μ_c − μ))² / s_k
  let score = 0;
  for (let c = 0; c < m.classes; c++) {
    const nc = m.classCounts[c]!;
    if (nc === 0) continue;
    const diff = Float64Array.from(mu, (u, i) => m.classSums[c * d + i]! / nc - u);
    const coords = inEigenbasis(eigen, diff);
    let quad = 0;
    eigen.values.forEach((s, k) => {
      if (s > top * 1e-15) quad += (coords[k]! * coords[k]!) / s;
    });
    score += (nc / n) * quad;
  }
  return (1 - a) * score;
}

/**
 * Ledoit-Wolf's shrinkage intensity towards (tr Σ / D)·I, as scikit-learn's `ledoit_wolf_shrinkage`
 * computes it on centred data: β from Σ‖x‖⁴ and ‖Σ‖_F², δ = ‖Σ − μI‖_F²/D, a = min(β, δ)/δ.
 * Σ‖x‖⁴ is taken about zero: the rows scored here are standardised on the same rows, so centred.
 */
export function ledoitWolfShrinkage(m: Moments, cov: Float64Array): number {
  const d = m.dims;
  const n = Math.max(1, m.count);
  let frob = 0;
  let trace = 0;
  for (let i = 0; i < d; i++) {
    trace += cov[i * d + i]!;
    for (let j = 0; j < d; j++) frob += cov[i * d + j]! * cov[i * d + j]!;
  }
  const target = trace / d;
  const beta = (m.fourth / n - frob) / (d * n);
  const delta = (frob - 2 * target * trace + d * target * target) / d;
  const b = Math.min(beta, delta);
  return delta === 0 ? 0 : Math.max(0, b / delta);
}
