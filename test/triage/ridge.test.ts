import { inverse, Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { momentsOf } from '../../src/triage/moments.js';
import { randomProjection, projectRows } from '../../src/triage/project.js';
import { lambdaGrid, ridgeScores, solveRidge } from '../../src/triage/ridge.js';
import { asMatrix, labelledRows } from './fixtures.js';

describe('closed-form ridge head', () => {
  const n = 60;
  const d = 4;
  const classes = 3;
  const { z, y } = labelledRows(n, d, classes, 21, 3, 1);
  const x = asMatrix(z, n, d);
  const centred = x.clone().subRowVector(x.mean('column'));
  const target = new Matrix(
    Array.from(y, (label) => Array.from({ length: classes }, (_, k) => (label === k ? 1 : 0) - 1 / classes)),
  );
  const m = momentsOf(z, y, d, classes);

  it('equals solving (XᵀX + λI)W = XᵀY by LU on the centred rows, with the intercept restoring the means', () => {
    const lambda = 3.7;
    const solution = solveRidge(m, [lambda]);
    const gram = centred.transpose().mmul(centred).add(Matrix.eye(d).mul(lambda));
    const w = solve(gram, centred.transpose().mmul(target));
    for (let i = 0; i < d; i++)
      for (let k = 0; k < classes; k++)
        expect(solution.weights[i * classes + k]).toBeCloseTo(w.get(i, k), 10);
    // predictions on the raw rows equal centred predictions plus the class frequencies
    const scores = ridgeScores(solution, z, n, d);
    const direct = centred.mmul(w);
    for (let r = 0; r < n; r++)
      for (let k = 0; k < classes; k++)
        expect(scores[r * classes + k]).toBeCloseTo(direct.get(r, k) + 1 / classes, 10);
  });

  it('chooses λ by GCV exactly as the explicit hat matrix computes it', () => {
    const grid = lambdaGrid(1).map((l) => l * 20);
    const solution = solveRidge(m, grid);
    const gcv = grid.map((lambda) => {
      const hat = centred
        .mmul(inverse(centred.transpose().mmul(centred).add(Matrix.eye(d).mul(lambda))))
        .mmul(centred.transpose());
      const residual = target.clone().sub(hat.mmul(target));
      const rss = residual
        .to2DArray()
        .flat()
        .reduce((a, v) => a + v * v, 0);
      const free = 1 - (hat.trace() + 1) / n;
      return rss / n / (free * free);
    });
    solution.path.forEach((p, i) => expect(p.gcv).toBeCloseTo(gcv[i]!, 8));
    const best = gcv.indexOf(Math.min(...gcv));
    expect(solution.lambda).toBe(grid[best]);
    // an interior optimum: the grid is wide enough to bracket it
    expect(best).toBeGreaterThan(0);
    expect(best).toBeLessThan(grid.length - 1);
  });

  it('is deterministic and separates informative classes', () => {
    const train = labelledRows(400, 8, 4, 31, 8, 1);
    const solution = solveRidge(momentsOf(train.z, train.y, 8, 4));
    const again = solveRidge(momentsOf(train.z, train.y, 8, 4));
    expect(Array.from(again.weights)).toEqual(Array.from(solution.weights));
    const scores = ridgeScores(solution, train.z, 400, 8);
    let correct = 0;
    for (let r = 0; r < 400; r++) {
      const row = Array.from(scores.subarray(r * 4, r * 4 + 4));
      if (row.indexOf(Math.max(...row)) === train.y[r]) correct++;
    }
    expect(correct / 400).toBeGreaterThan(0.6); // 4 classes: chance is 25%
  });

  it('projects wider sets with a seeded Gaussian matrix and leaves narrower ones alone', () => {
    const p = randomProjection(10, 4, 3);
    expect(randomProjection(10, 4, 3).matrix).toEqual(p.matrix);
    expect(randomProjection(10, 4, 4).matrix).not.toEqual(p.matrix);
    expect(randomProjection(3, 4, 3)).toEqual({ from: 3, to: 3 });
    const rows = Float64Array.from({ length: 20 }, (_, i) => i % 7);
    const out = projectRows(p, rows, 2);
    const direct = asMatrix(rows, 2, 10).mmul(asMatrix(p.matrix!, 10, 4));
    for (let r = 0; r < 2; r++)
      for (let j = 0; j < 4; j++) expect(out[r * 4 + j]).toBeCloseTo(direct.get(r, j), 12);
  });
});
