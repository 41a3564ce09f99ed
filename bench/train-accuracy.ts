/**
 * Accuracy on real data: the best logistic-regression head layerlab trains (a grid of learning rates
 * × L2 strengths, SGD with momentum and a cosine schedule, MOP on 2 workers, best by validation)
 * against a well-converged reference solver on the same features and objective (L2-regularised
 * multinomial logistic regression, each L2 solved to convergence, best by validation): SciPy's
 * L-BFGS-B when python3 with SciPy is installed, else layerlab's float64 L-BFGS
 * (src/train/heads/reference-lbfgs.ts). On scikit-learn's digits and on Fashion-MNIST pixels, from the
 * shared assets; a dataset that is absent is skipped.
 * Run: npm run build && node dist/bench/train-accuracy.js
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeadConfig } from '../src/train/heads/head-config.js';
import { prepareRun } from '../src/train/mop/prepare-run.js';
import { lbfgsAccuracy, solveLbfgs } from '../src/train/heads/reference-lbfgs.js';
import { recordResult } from './train-bench-store.js';
import {
  loadDigits,
  loadFashionMnist,
  standardizedRows,
  writeTableStore,
  type FeatureTable,
} from './train-datasets.js';
import { round, timedTrain } from './train-timing.js';

interface Setting {
  table: FeatureTable | undefined;
  l2: number[];
  lr: number[];
  epochs: number;
  batchSize: number;
}

interface ReferenceRow {
  l2: number;
  val: number;
  test: number;
  iterations: number;
  gradientNorm: number;
}

function scipyAvailable(): boolean {
  try {
    execFileSync('python3', ['-c', 'import scipy, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes the splits and layerlab's standardization for the Python solver and runs it. */
function scipyReference(
  table: FeatureTable,
  mean: Float32Array,
  std: Float32Array,
  l2: number[],
): { solver: string; results: ReferenceRow[] } {
  const dir = mkdtempSync(join(tmpdir(), 'layerlab-reference-'));
  try {
    const counts: Record<string, number> = {};
    ['train', 'val', 'test'].forEach((name, which) => {
      const rows: number[] = [];
      table.split.forEach((s, i) => s === which && rows.push(i));
      const x = new Float32Array(rows.length * table.dims);
      rows.forEach((r, i) =>
        x.set(table.features.subarray(r * table.dims, (r + 1) * table.dims), i * table.dims),
      );
      writeFileSync(join(dir, `${name}.x.f32`), x);
      writeFileSync(
        join(dir, `${name}.y.i32`),
        Int32Array.from(rows, (r) => table.labels[r]!),
      );
      counts[name] = rows.length;
    });
    writeFileSync(join(dir, 'mean.f32'), mean);
    writeFileSync(join(dir, 'std.f32'), std);
    writeFileSync(
      join(dir, 'meta.json'),
      JSON.stringify({ dims: table.dims, classes: table.classes, l2, ...counts }),
    );
    const script = join(import.meta.dirname, '..', '..', 'bench', 'train-accuracy-reference.py');
    return JSON.parse(
      execFileSync('python3', [script, dir], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    ) as {
      solver: string;
      results: ReferenceRow[];
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tsReference(
  table: FeatureTable,
  mean: Float32Array,
  std: Float32Array,
  l2: number[],
): { solver: string; results: ReferenceRow[] } {
  const [train, val, test] = [0, 1, 2].map((which) => standardizedRows(table, mean, std, which));
  return {
    solver: 'layerlab float64 L-BFGS (src/train/heads/reference-lbfgs.ts)',
    results: l2.map((strength) => {
      const model = solveLbfgs({
        x: train!.x,
        y: train!.y,
        n: train!.y.length,
        d: table.dims,
        classes: table.classes,
        l2: strength,
      });
      return {
        l2: strength,
        val: lbfgsAccuracy(model, val!.x, val!.y, table.dims, table.classes),
        test: lbfgsAccuracy(model, test!.x, test!.y, table.dims, table.classes),
        iterations: model.iterations,
        gradientNorm: model.gradientNorm,
      };
    }),
  };
}

const only = process.argv[2]; // `digits` or `fashion`: one dataset
const settings: Setting[] = [
  { table: loadDigits(), lr: [0.1, 0.03, 0.01], l2: [1e-4, 1e-3, 1e-2], epochs: 30, batchSize: 32 },
  { table: loadFashionMnist(), lr: [0.03, 0.01, 0.003], l2: [1e-4, 1e-3], epochs: 15, batchSize: 128 },
];
const useScipy = scipyAvailable();
const summary: Record<string, unknown>[] = [];
for (const { table, lr, l2, epochs, batchSize } of settings.filter(
  (s) => !only || s.table?.name.toLowerCase().includes(only),
)) {
  if (!table) {
    console.log('dataset not in the shared assets: skipped');
    continue;
  }
  const store = writeTableStore(table);
  try {
    const heads = lr.flatMap((rate) =>
      l2.map((strength): HeadConfig => ({
        type: 'linear',
        lr: rate,
        l2: strength,
        batchSize,
        momentum: 0.9,
        optimizer: 'sgd',
        lrSchedule: 'cosine',
      })),
    );
    const trainRows = table.split.filter((s) => s === 0).length;
    const run = await timedTrain(
      { storeDir: store.dir, featureSets: store.featureSets, heads, epochs, workers: 2, seed: 1 },
      trainRows,
    );
    const best = run.outcome.best;
    const { standardization } = prepareRun({
      storeDir: store.dir,
      workers: 1,
      featureSets: store.featureSets,
    }).featureSets[0]!;
    const reference = useScipy
      ? scipyReference(table, standardization.mean, standardization.std, l2)
      : tsReference(table, standardization.mean, standardization.std, l2);
    const chosen = reference.results.reduce((a, b) => (b.val > a.val ? b : a));
    const gap = best.testAccuracy! - chosen.test;
    console.log(
      `\n${table.name}: ${trainRows} train rows × ${table.dims} features, ${heads.length} heads × ${epochs} epochs in ${run.totalSeconds.toFixed(1)} s\n` +
        `  layerlab best head (${best.head.lr} lr, ${best.head.l2} l2): val ${(100 * best.valAccuracy).toFixed(2)}%, test ${(100 * best.testAccuracy!).toFixed(2)}%\n` +
        `  reference ${reference.solver}, best l2 ${chosen.l2} (${chosen.iterations} iterations, ‖∇f‖∞ ${chosen.gradientNorm.toExponential(1)}): ` +
        `val ${(100 * chosen.val).toFixed(2)}%, test ${(100 * chosen.test).toFixed(2)}%\n` +
        `  difference: ${(100 * gap).toFixed(2)} points (target: within 1 point)`,
    );
    summary.push({
      dataset: table.name,
      trainRows,
      dims: table.dims,
      layerlab: {
        lr: best.head.lr,
        l2: best.head.l2,
        epochs,
        val: round(best.valAccuracy, 4),
        test: round(best.testAccuracy!, 4),
        seconds: round(run.totalSeconds),
      },
      reference: {
        solver: reference.solver,
        perL2: reference.results,
        chosenL2: chosen.l2,
        val: round(chosen.val, 4),
        test: round(chosen.test, 4),
      },
      testDifferencePoints: round(100 * gap),
    });
  } finally {
    store.remove();
  }
}
recordResult(only ? `train-accuracy-${only}` : 'train-accuracy', { results: summary });
