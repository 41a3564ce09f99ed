import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * Float64 linear algebra on small symmetric matrices (D×D, D ≤ a few hundred), through ml-matrix's
 * ports of JAMA's tred2/tql2 and Cholesky (measured in docs/triage.md: at D = 256 the eigendecomposition
 * reconstructs A to 2e-14 relative and agrees with ml-matrix's SVD on the spectrum to 1e-15).
 * Matrices travel as row-major Float64Arrays so callers never hold an ml-matrix object.
 */
export interface SymmetricEigen {
  /** eigenvalues, ascending */
  values: Float64Array;
  /** eigenvectors as columns, row-major [D, D]: vectors[i·D + k] is component i of vector k */
  vectors: Float64Array;
}

const toMatrix = (a: Float64Array, d: number): Matrix => {
  const m = new Matrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m.set(i, j, a[i * d + j]!);
  return m;
};

export function symmetricEigen(a: Float64Array, d: number): SymmetricEigen {
  const e = new EigenvalueDecomposition(toMatrix(a, d), { assumeSymmetric: true });
  const values = Float64Array.from(e.realEigenvalues);
  const v = e.eigenvectorMatrix;
  const vectors = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) vectors[i * d + k] = v.get(i, k);
  return { values, vectors };
}

/** log det of a symmetric positive definite matrix, from its Cholesky factor: 2 Σ log L_ii. */
export function logDetSpd(a: Float64Array, d: number): number {
  const chol = new CholeskyDecomposition(toMatrix(a, d));
  if (!chol.isPositiveDefinite()) throw new RangeError('logDetSpd: the matrix is not positive definite');
  const l = chol.lowerTriangularMatrix;
  let sum = 0;
  for (let i = 0; i < d; i++) sum += Math.log(l.get(i, i));
  return 2 * sum;
}

/** vᵀ a for every eigenvector: the coordinates of `a` (length D) in the eigenbasis. */
export function inEigenbasis(eigen: SymmetricEigen, a: ArrayLike<number>): Float64Array {
  const d = eigen.values.length;
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const ai = a[i]!;
    if (ai === 0) continue;
    const row = i * d;
    for (let k = 0; k < d; k++) out[k] = out[k]! + eigen.vectors[row + k]! * ai;
  }
  return out;
}
