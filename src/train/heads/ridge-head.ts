import { FeatureStore } from '../../store/feature-store.js';
import { addRows, emptyMoments, finishMoments } from '../../triage/moments.js';
import { rowChunks } from '../../triage/read-moments.js';
import { ridgeScores, solveRidge, type RidgeSolution } from '../../triage/ridge.js';
import { headArch } from './head-arch.js';
import { zeroOptimizerState, type ModelState } from './head-state.js';
import type { PreparedFeatureSet } from '../mop/prepare-run.js';
import { standardizeInPlace } from './standardization.js';

/** A solved ridge head in the linear head's layout, with its fit on the train split. */
export interface SolvedRidge {
  state: ModelState;
  lambda: number;
  trainLoss: number;
  trainAccuracy: number;
}

/** Chunks of the train split standardised exactly as the workers standardise them, in float64. */
function* standardizedChunks(store: FeatureStore, set: PreparedFeatureSet, rows: Int32Array) {
  for (const chunk of rowChunks(store, set.key, rows)) {
    const x = standardizeInPlace(chunk.x, set.standardization.mean, set.standardization.std);
    yield { z: Float64Array.from(x), rows: chunk.rows };
  }
}

/**
 * Solves the `type: ridge` head of one feature set in closed form (triage/ridge.ts: one
 * eigendecomposition of the D×D Gram matrix, λ by GCV) on the train split, read in chunks as the
 * workers read it and standardised with the run's train-split statistics, so its weights are a linear
 * head's W0 [D, C] and b0 [C]: evaluation, results, predict and export-head treat it as one. Its
 * train loss is the softmax cross-entropy of the ridge scores, as the evaluation graph computes loss.
 */
export function solveRidgeHead(
  storeDir: string,
  set: PreparedFeatureSet,
  trainRows: Int32Array,
  classes: number,
): SolvedRidge {
  const store = FeatureStore.open(storeDir, { write: false });
  try {
    const { labels } = store.records();
    const moments = emptyMoments(set.dims, classes, false);
    for (const { z, rows } of standardizedChunks(store, set, trainRows))
      addRows(
        moments,
        z,
        Array.from(rows, (r) => labels[r]!),
        rows.length,
      );
    const solution = solveRidge(finishMoments(moments));
    const fit = trainFit(solution, standardizedChunks(store, set, trainRows), labels, set.dims, classes);
    const arch = headArch({
      type: 'linear',
      hidden: [],
      lr: 1,
      l2: 0,
      batchSize: 1,
      optimizer: 'sgd',
      momentum: 0,
      dropout: 0,
      lrSchedule: 'constant',
      classWeight: 'none',
    });
    const state: ModelState = {
      W0: { dims: [set.dims, classes], data: Float32Array.from(solution.weights) },
      b0: { dims: [classes], data: Float32Array.from(solution.bias) },
      ...zeroOptimizerState(arch, set.dims, classes),
    };
    return { state, lambda: solution.lambda, ...fit };
  } finally {
    store.close();
  }
}

function trainFit(
  solution: RidgeSolution,
  chunks: Iterable<{ z: Float64Array; rows: Int32Array }>,
  labels: ArrayLike<number>,
  dims: number,
  classes: number,
): { trainLoss: number; trainAccuracy: number } {
  let loss = 0;
  let correct = 0;
  let count = 0;
  for (const { z, rows } of chunks) {
    const scores = ridgeScores(solution, z, rows.length, dims);
    rows.forEach((r, i) => {
      const row = scores.subarray(i * classes, (i + 1) * classes);
      const top = Math.max(...row);
      const logSum = top + Math.log(row.reduce((a, s) => a + Math.exp(s - top), 0));
      const label = labels[r]!;
      loss += logSum - row[label]!;
      if (row.indexOf(top) === label) correct++;
      count++;
    });
  }
  return { trainLoss: loss / Math.max(1, count), trainAccuracy: correct / Math.max(1, count) };
}
