import { centredGram, type Moments } from './moments.js';
import { inEigenbasis, symmetricEigen, type SymmetricEigen } from './symmetric.js';

/**
 * One-vs-rest ridge classification solved exactly: targets are the centred one-hot labels, the
 * features centred (an unpenalised intercept), and W(λ) = V (Λ + λI)⁻¹ Vᵀ XᵀY from one symmetric
 * eigendecomposition XᵀX = VΛVᵀ, so every λ of the grid costs O(D²·C) more. λ is chosen by
 * generalised cross-validation (Golub, Heath & Wahba, Technometrics 1979):
 * GCV(λ) = (RSS(λ)/n) / (1 − (df(λ) + 1)/n)², df = Σ λ_i/(λ_i + λ), the +1 for the intercept;
 * RSS comes from the eigenbasis too, so no row is read again. Deterministic.
 */
export interface RidgeSolution {
  /** [D, C] row-major, for features as the moments saw them */
  weights: Float64Array;
  bias: Float64Array;
  lambda: number;
  /** the GCV criterion at `lambda` */
  gcv: number;
  /** every λ tried, with its GCV */
  path: { lambda: number; gcv: number }[];
}

/** λ grid: 10^-6 … 10^3 times the mean eigenvalue of XᵀX, 4 per decade. */
export function lambdaGrid(meanEigenvalue: number): number[] {
  const scale = meanEigenvalue > 0 ? meanEigenvalue : 1;
  return Array.from({ length: 37 }, (_, k) => scale * 10 ** (-6 + k / 4));
}

export function solveRidge(m: Moments, lambdas?: readonly number[]): RidgeSolution {
  const d = m.dims;
  const n = Math.max(1, m.count);
  const c = m.classes;
  const eigen = symmetricEigen(centredGram(m), d);
  const values = eigen.values.map((v) => Math.max(0, v));
  // XᵀY for the centred one-hot target of class k: Σ_{i∈k} z_i − n_k μ
  const q: Float64Array[] = [];
  let yNorm = 0;
  for (let k = 0; k < c; k++) {
    const nk = m.classCounts[k]!;
    const xty = Float64Array.from({ length: d }, (_, i) => m.classSums[k * d + i]! - (nk * m.sum[i]!) / n);
    q.push(inEigenbasis(eigen, xty));
    yNorm += nk - (nk * nk) / n;
  }
  const grid = lambdas ?? lambdaGrid(values.reduce((a, b) => a + b, 0) / d);
  const path = grid.map((lambda) => ({ lambda, gcv: gcvAt(values, q, yNorm, n, lambda) }));
  const best = path.reduce((a, b) => (b.gcv < a.gcv ? b : a));
  const { weights, bias } = ridgeWeights(m, eigen, q, best.lambda);
  return { weights, bias, lambda: best.lambda, gcv: best.gcv, path };
}

function gcvAt(
  values: Float64Array,
  q: readonly Float64Array[],
  yNorm: number,
  n: number,
  lambda: number,
): number {
  let df = 0;
  let rss = yNorm;
  values.forEach((s, i) => {
    const inv = 1 / (s + lambda);
    df += s * inv;
    for (const qk of q) {
      const q2 = qk[i]! * qk[i]!;
      rss += q2 * (s * inv * inv - 2 * inv);
    }
  });
  const free = 1 - (df + 1) / n;
  return rss / n / (free * free);
}

/** W = V (Λ + λ)⁻¹ Q and the intercept b_k = n_k/n − μᵀw_k. */
function ridgeWeights(
  m: Moments,
  eigen: SymmetricEigen,
  q: readonly Float64Array[],
  lambda: number,
): { weights: Float64Array; bias: Float64Array } {
  const d = m.dims;
  const c = m.classes;
  const n = Math.max(1, m.count);
  const weights = new Float64Array(d * c);
  q.forEach((qk, k) => {
    const scaled = qk.map((v, i) => v / (Math.max(0, eigen.values[i]!) + lambda));
    for (let i = 0; i < d; i++) {
      let w = 0;
      for (let j = 0; j < d; j++) w += eigen.vectors[i * d + j]! * scaled[j]!;
      weights[i * c + k] = w;
    }
  });
  const bias = Float64Array.from({ length: c }, (_, k) => {
    let dot = 0;
    for (let i = 0; i < d; i++) dot += (m.sum[i]! / n) * weights[i * c + k]!;
    return m.classCounts[k]! / n - dot;
  });
  return { weights, bias };
}

/** Class scores zW + b of `count` rows ([count, D]), row-major [count, C]. */
export function ridgeScores(
  solution: RidgeSolution,
  z: Float64Array,
  count: number,
  dims: number,
): Float64Array {
  const c = solution.bias.length;
  const out = new Float64Array(count * c);
  for (let r = 0; r < count; r++)
    for (let k = 0; k < c; k++) {
      let s = solution.bias[k]!;
      for (let i = 0; i < dims; i++) s += z[r * dims + i]! * solution.weights[i * c + k]!;
      out[r * c + k] = s;
    }
  return out;
}
