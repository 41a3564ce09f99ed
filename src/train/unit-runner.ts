import { ort, outputOf } from './ort-session.js';
import type { GroupState, HyperValues } from './group-state.js';
import { nextName } from './group-state.js';
import type { SplitRows } from './shard-data.js';

export interface TrainUnitResult {
  state: GroupState;
  /** per head, sum over steps of the step's mean loss (epoch loss is the step-weighted mean) */
  lossSum: Float64Array;
  correct: Float64Array;
  steps: number;
  examples: number;
}

const hyperTensor = (values: Float32Array) => new ort.Tensor('float32', values, [values.length, 1, 1]);

/**
 * One MOP unit: a fused group takes consecutive mini-batches of a shard's rows (already in this
 * epoch's order), one training-step graph run per batch; the last batch may be smaller. The same
 * function runs in the shard workers and in sequential replays, which is what makes MOP's
 * sequential-SGD equivalence checkable bit for bit.
 */
export async function runTrainUnit(
  session: ort.InferenceSession,
  rows: SplitRows,
  batchSize: number,
  state: GroupState,
  hyper: HyperValues,
): Promise<TrainUnitResult> {
  const { dims } = rows;
  const heads = Object.values(hyper)[0]?.length ?? 0;
  const hyperFeeds: Record<string, ort.Tensor> = {};
  for (const [name, values] of Object.entries(hyper)) hyperFeeds[name] = hyperTensor(values);
  const current: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(state)) current[name] = new ort.Tensor('float32', t.data, t.dims);

  const lossSum = new Float64Array(heads);
  const correct = new Float64Array(heads);
  let steps = 0;
  for (let start = 0; start < rows.count; start += batchSize) {
    const end = Math.min(rows.count, start + batchSize);
    const feeds = {
      ...hyperFeeds,
      ...current,
      X: new ort.Tensor('float32', rows.x.subarray(start * dims, end * dims), [end - start, dims]),
      y: new ort.Tensor('int64', rows.y.subarray(start, end), [end - start]),
    };
    const outputs = await session.run(feeds);
    for (const name of Object.keys(state)) current[name] = outputOf(outputs, nextName(name));
    const loss = outputOf(outputs, 'loss').data as Float32Array;
    const hits = outputOf(outputs, 'correct').data as Float32Array;
    for (let k = 0; k < heads; k++) {
      lossSum[k] = lossSum[k]! + loss[k]!;
      correct[k] = correct[k]! + hits[k]!;
    }
    steps++;
  }
  // Fresh copies: output buffers belong to the addon and a transferred state must own its memory.
  const next: GroupState = {};
  for (const [name, t] of Object.entries(state)) {
    next[name] = { dims: t.dims, data: (current[name]!.data as Float32Array).slice() };
  }
  return { state: next, lossSum, correct, steps, examples: rows.count };
}

export interface EvaluationResult {
  lossSum: Float64Array;
  correct: Float64Array;
  count: number;
  /** per head a row-major [classes, classes] matrix, rows = true class, columns = predicted */
  confusion?: Int32Array;
}

/**
 * Evaluates a fused group on rows, in chunks. The evaluation graph takes X, y and whichever state
 * tensors it declares as inputs (the weights, not the optimizer buffers).
 */
export async function evaluateRows(
  session: ort.InferenceSession,
  rows: SplitRows,
  state: GroupState,
  classes: number,
  options: { confusion: boolean; chunk?: number },
): Promise<EvaluationResult> {
  const { dims } = rows;
  const heads = Object.values(state)[0]?.dims[0] ?? 0;
  const chunk = options.chunk ?? 2048;
  const weights: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    const t = state[name];
    if (t) weights[name] = new ort.Tensor('float32', t.data, t.dims);
  }
  const lossSum = new Float64Array(heads);
  const correct = new Float64Array(heads);
  const confusion = options.confusion ? new Int32Array(heads * classes * classes) : undefined;
  for (let start = 0; start < rows.count; start += chunk) {
    const end = Math.min(rows.count, start + chunk);
    const outputs = await session.run({
      ...weights,
      X: new ort.Tensor('float32', rows.x.subarray(start * dims, end * dims), [end - start, dims]),
      y: new ort.Tensor('int64', rows.y.subarray(start, end), [end - start]),
    });
    const loss = outputOf(outputs, 'lossSum').data as Float32Array;
    const hits = outputOf(outputs, 'correct').data as Float32Array;
    for (let k = 0; k < heads; k++) {
      lossSum[k] = lossSum[k]! + loss[k]!;
      correct[k] = correct[k]! + hits[k]!;
    }
    if (confusion) {
      const pred = outputOf(outputs, 'pred').data as BigInt64Array;
      const n = end - start;
      for (let k = 0; k < heads; k++) {
        for (let i = 0; i < n; i++) {
          const truth = Number(rows.y[start + i]!);
          confusion[(k * classes + truth) * classes + Number(pred[k * n + i]!)]!++;
        }
      }
    }
  }
  return confusion
    ? { lossSum, correct, count: rows.count, confusion }
    : { lossSum, correct, count: rows.count };
}
