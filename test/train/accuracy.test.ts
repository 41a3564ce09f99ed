import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDigits, standardizedRows, writeTableStore } from '../../bench/train-datasets.js';
import type { HeadConfig } from '../../src/train/heads/head-config.js';
import { prepareRun } from '../../src/train/mop/prepare-run.js';
import { lbfgsAccuracy, solveLbfgs } from '../../src/train/heads/reference-lbfgs.js';
import { train } from '../../src/train/mop/train.js';

const digits = loadDigits();
const L2 = [1e-4, 1e-3, 1e-2];

/**
 * On a real dataset (scikit-learn's digits, when the shared assets are present), the best
 * logistic-regression head must reach the test accuracy of a well-converged reference solver
 * (full-batch L-BFGS on the same standardized features and objective), within 1 point.
 */
describe.skipIf(!digits)('accuracy against a converged reference solver (sklearn digits)', () => {
  // A skipped describe still runs this body while collecting tests: build nothing here.
  const table = digits!;
  let store: ReturnType<typeof writeTableStore>;
  let runDir: string;
  beforeAll(() => {
    store = writeTableStore(table);
    runDir = mkdtempSync(join(tmpdir(), 'layerlab-accuracy-'));
  });
  afterAll(() => {
    store?.remove();
    if (runDir) rmSync(runDir, { recursive: true, force: true });
  });

  it('the best logistic-regression head is within 1 point of L-BFGS', async () => {
    const heads: HeadConfig[] = [0.1, 0.03, 0.01].flatMap((lr) =>
      L2.map((l2): HeadConfig => ({
        type: 'linear',
        lr,
        l2,
        batchSize: 32,
        momentum: 0.9,
        optimizer: 'sgd',
        lrSchedule: 'cosine',
      })),
    );
    const outcome = await train(
      { storeDir: store.dir, featureSets: store.featureSets, heads, epochs: 30, workers: 2, seed: 1 },
      { sink: () => {}, runDir },
    );
    const layerlab = outcome.best.testAccuracy!;

    // the reference: for each L2 strength, the exact optimum; the best by validation accuracy
    const { standardization } = prepareRun({
      storeDir: store.dir,
      workers: 1,
      featureSets: store.featureSets,
    }).featureSets[0]!;
    const trainRows = standardizedRows(table, standardization.mean, standardization.std, 0);
    const valRows = standardizedRows(table, standardization.mean, standardization.std, 1);
    const testRows = standardizedRows(table, standardization.mean, standardization.std, 2);
    const solved = L2.map((l2) => {
      const model = solveLbfgs({
        x: trainRows.x,
        y: trainRows.y,
        n: trainRows.y.length,
        d: table.dims,
        classes: 10,
        l2,
      });
      expect(model.gradientNorm).toBeLessThan(1e-6);
      return {
        val: lbfgsAccuracy(model, valRows.x, valRows.y, table.dims, 10),
        test: lbfgsAccuracy(model, testRows.x, testRows.y, table.dims, 10),
      };
    });
    const reference = solved.reduce((a, b) => (b.val > a.val ? b : a));
    expect(layerlab).toBeGreaterThanOrEqual(reference.test - 0.01);
    expect(outcome.best.valAccuracy).toBeGreaterThanOrEqual(reference.val - 0.01);
  });
});
