/**
 * The float64 numerics triage and ridge heads rely on (ml-matrix's symmetric eigendecomposition and
 * Cholesky), measured on Gram matrices of the sizes they meet: D = 64, 128, 256 after projection and
 * 512 raw. Accuracy against references on the same matrix: the reconstruction ‖VΛVᵀ − A‖ and
 * orthogonality ‖VᵀV − I‖ (max-abs, relative to max |A|), and the spectrum against ml-matrix's SVD (a
 * second method). Prints the figures; writes bench/results/triage-numerics.json.
 *
 *   npm run build && node dist/bench/triage-numerics.js [--quick]
 */
import {
  CholeskyDecomposition,
  EigenvalueDecomposition,
  Matrix,
  SingularValueDecomposition,
} from 'ml-matrix';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/random.js';
import { writeResults } from './harness/results-file.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const sizes = values.quick ? [64, 128] : [64, 128, 256, 512];
const rng = new Rng(17);
const rows = [];
for (const d of sizes) {
  const x = new Matrix(Array.from({ length: 2 * d }, () => Array.from({ length: d }, () => rng.normal())));
  const a = x.transpose().mmul(x);
  const scale = a.abs().max();
  let t = performance.now();
  const eig = new EigenvalueDecomposition(a, { assumeSymmetric: true });
  const eigMs = performance.now() - t;
  const v = eig.eigenvectorMatrix;
  const reconstruction =
    v.mmul(Matrix.diag(eig.realEigenvalues)).mmul(v.transpose()).sub(a).abs().max() / scale;
  const orthogonality = v.transpose().mmul(v).sub(Matrix.eye(d)).abs().max();
  t = performance.now();
  const svd = new SingularValueDecomposition(a, { autoTranspose: true });
  const svdMs = performance.now() - t;
  const byEig = [...eig.realEigenvalues].sort((p, q) => q - p);
  const bySvd = [...svd.diagonal].sort((p, q) => q - p);
  const spectrum = Math.max(...byEig.map((e, i) => Math.abs(e - bySvd[i]!) / byEig[0]!));
  t = performance.now();
  new CholeskyDecomposition(a.clone().add(Matrix.eye(d)));
  const choleskyMs = performance.now() - t;
  const row = { dims: d, eigMs, svdMs, choleskyMs, reconstruction, orthogonality, spectrum };
  rows.push(row);
  console.log(
    `D=${d}: eig ${eigMs.toFixed(0)} ms, svd ${svdMs.toFixed(0)} ms, cholesky ${choleskyMs.toFixed(0)} ms; ` +
      `|VΛVᵀ−A|/|A| ${reconstruction.toExponential(1)}, |VᵀV−I| ${orthogonality.toExponential(1)}, ` +
      `eig vs svd spectrum ${spectrum.toExponential(1)}`,
  );
}
console.log(`written to ${writeResults('triage-numerics', values.quick, { rows })}`);
