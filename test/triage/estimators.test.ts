import { CholeskyDecomposition, determinant, inverse, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { hscore } from '../../src/triage/hscore.js';
import { logme } from '../../src/triage/logme.js';
import { momentsOf } from '../../src/triage/moments.js';
import { transrate } from '../../src/triage/transrate.js';
import { asMatrix, labelledRows, permuteRows } from './fixtures.js';

/** log N(y; 0, FFᵀ/α + I/β) / N, evaluated directly on the N×N covariance (no eigenbasis). */
function directEvidence(f: Matrix, y: number[], alpha: number, beta: number): number {
  const n = f.rows;
  const cov = f
    .mmul(f.transpose())
    .div(alpha)
    .add(Matrix.eye(n).mul(1 / beta));
  const chol = new CholeskyDecomposition(cov);
  const l = chol.lowerTriangularMatrix;
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += 2 * Math.log(l.get(i, i));
  const solved = chol.solve(Matrix.columnVector(y));
  const quad = y.reduce((a, v, i) => a + v * solved.get(i, 0), 0);
  return (-0.5 * quad - 0.5 * logDet - (n / 2) * Math.log(2 * Math.PI)) / n;
}

/** The maximum over (α, β) by a log grid refined twice around its best point. */
function maxEvidence(f: Matrix, y: number[]): number {
  let center = [0, 0];
  let span = 4;
  let best = -Infinity;
  for (let round = 0; round < 3; round++) {
    let bestAt = center;
    for (let i = -10; i <= 10; i++)
      for (let j = -10; j <= 10; j++) {
        const la = center[0]! + (span * i) / 10;
        const lb = center[1]! + (span * j) / 10;
        const e = directEvidence(f, y, 10 ** la, 10 ** lb);
        if (e > best) {
          best = e;
          bestAt = [la, lb];
        }
      }
    center = bestAt;
    span /= 8;
  }
  return best;
}

describe('closed-form transferability estimators against direct formulas', () => {
  const n = 48;
  const d = 3;
  const classes = 3;
  const { z, y } = labelledRows(n, d, classes, 7, 2);
  const m = momentsOf(z, y, d, classes, true);
  const f = asMatrix(z, n, d);

  it('LogME is the maximised evidence of each one-vs-rest regression, averaged over classes', () => {
    const direct =
      [0, 1, 2]
        .map((c) =>
          maxEvidence(
            f,
            Array.from(y, (label) => (label === c ? 1 : 0)),
          ),
        )
        .reduce((a, b) => a + b, 0) / classes;
    // LogME's fixed point stops at 1e-3 relative change of α/β: the evidence is flat there
    expect(logme(m)).toBeCloseTo(direct, 3);
    expect(logme(m)).toBeLessThanOrEqual(direct + 1e-9);
  });

  it('H-score is tr(cov⁻¹ · between-class covariance), computed from the rows', () => {
    const cov = f
      .clone()
      .subRowVector(f.mean('column'))
      .transpose()
      .mmul(f.clone().subRowVector(f.mean('column')))
      .div(n);
    const mean = f.mean('column');
    let between = Matrix.zeros(d, d);
    for (let c = 0; c < classes; c++) {
      const rows = [...y.keys()].filter((r) => y[r] === c);
      const mc = Matrix.rowVector(new Matrix(rows.map((r) => f.getRow(r))).mean('column'));
      const diff = mc.sub(Matrix.rowVector(mean));
      between = between.add(
        diff
          .transpose()
          .mmul(diff)
          .mul(rows.length / n),
      );
    }
    expect(hscore(m, false)).toBeCloseTo(inverse(cov).mmul(between).trace(), 10);

    // Ledoit-Wolf as scikit-learn writes it, on the centred rows
    const x = f.clone().subRowVector(mean);
    const x2 = x.clone().mul(x);
    const traceS = x2.sum('column').map((v) => v / n);
    const mu = traceS.reduce((a, b) => a + b, 0) / d;
    const betaRaw = x2.transpose().mmul(x2).sum();
    const deltaRaw =
      x
        .transpose()
        .mmul(x)
        .to2DArray()
        .flat()
        .reduce((a, v) => a + v * v, 0) /
      (n * n);
    const beta = (1 / (d * n)) * (betaRaw / n - deltaRaw);
    const delta = (deltaRaw - 2 * mu * traceS.reduce((a, b) => a + b, 0) + d * mu * mu) / d;
    const a = Math.min(beta, delta) / delta;
    expect(a).toBeGreaterThan(0);
    const shrunk = cov.mul(1 - a).add(Matrix.eye(d).mul(a * mu));
    expect(hscore(m, true)).toBeCloseTo(
      inverse(shrunk)
        .mmul(between.mul(1 - a))
        .trace(),
      10,
    );
  });

  it('TransRate is R(Z) minus the mean class coding rate, with log-determinants from LU', () => {
    const eps = 1e-4;
    const zc = f.clone().subRowVector(f.mean('column'));
    const rate = (rows: Matrix) =>
      0.5 *
      Math.log(
        determinant(
          Matrix.eye(d).add(
            rows
              .transpose()
              .mmul(rows)
              .div(rows.rows * eps),
          ),
        ),
      );
    let within = 0;
    for (let c = 0; c < classes; c++)
      within += rate(new Matrix([...y.keys()].filter((r) => y[r] === c).map((r) => zc.getRow(r))));
    expect(transrate(m)).toBeCloseTo(rate(zc) - within / classes, 8);
  });

  it('does not depend on the order of the rows', () => {
    const order = [...Array(n).keys()];
    new Rng(5).shuffle(order);
    const p = permuteRows(z, y, d, order);
    const pm = momentsOf(p.z, p.y, d, classes, true);
    expect(logme(pm)).toBeCloseTo(logme(m), 10);
    expect(transrate(pm)).toBeCloseTo(transrate(m), 8);
    expect(hscore(pm, true)).toBeCloseTo(hscore(m, true), 10);
  });

  it('ranks a label-informative feature set above pure noise of the same width', () => {
    const wide = 16;
    const informative = labelledRows(600, wide, 4, 11, 6, 0.6);
    const noise = labelledRows(600, wide, 4, 12, 0);
    const good = momentsOf(informative.z, informative.y, wide, 4, true);
    const bad = momentsOf(noise.z, noise.y, wide, 4, true);
    expect(logme(good)).toBeGreaterThan(logme(bad));
    expect(transrate(good)).toBeGreaterThan(transrate(bad));
    expect(hscore(good, false)).toBeGreaterThan(hscore(bad, false));
    expect(hscore(good, true)).toBeGreaterThan(hscore(bad, true));
  });
});
