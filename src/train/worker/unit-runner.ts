import { interrupted } from '../../core/errors.js';
import { DropoutMasks } from '../heads/dropout-masks.js';
import type { HeadArch } from '../heads/head-arch.js';
import { stackPrefix } from '../heads/head-graph-forward.js';
import { ort, outputOf } from '../heads/ort-session.js';
import type { GroupState, HyperValues } from '../heads/group-state.js';
import { nextName } from '../heads/group-state.js';
import { unitBatches, type SplitRows, type UnitRows } from './shard-data.js';

/** One stack of a group as the runner needs it: its graph shape, model ids and dropout rates. */
export interface UnitStack {
  arch: HeadArch;
  models: string[];
  dropout: number[];
}

/** Where a unit runs, for seeding its dropout masks. */
export interface UnitContext {
  seed: number;
  epoch: number;
  shard: number;
  /** set to non-zero by the trainer to stop between steps (cooperative cancellation) */
  cancel?: Int32Array;
}

export interface TrainUnitResult {
  state: GroupState;
  /** per head (graph order), sum over steps of the step's mean loss (epoch loss: step-weighted mean) */
  lossSum: Float64Array;
  /** per head, arg-max hits on the training batches */
  correct: Float64Array;
  steps: number;
  examples: number;
}

const tensorOf = (t: { dims: number[]; data: Float32Array }) => new ort.Tensor('float32', t.data, t.dims);

/**
 * One MOP unit: a fused group takes consecutive mini-batches of a shard's rows in this epoch's
 * order, one training-step graph run per batch; the last batch may be smaller. The same
 * function runs in the shard workers and in sequential replays, which is what makes MOP's
 * sequential-SGD equivalence checkable bit for bit.
 */
export async function runTrainUnit(
  session: ort.InferenceSession,
  rows: UnitRows,
  batchSize: number,
  stacks: readonly UnitStack[],
  state: GroupState,
  hyper: HyperValues,
  context: UnitContext,
): Promise<TrainUnitResult> {
  const { dims } = rows;
  const heads = stacks.reduce((n, s) => n + s.models.length, 0);
  const fixed: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(hyper)) fixed[name] = tensorOf(t);
  const current: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(state)) current[name] = tensorOf(t);
  const masks = stacks.map((s) =>
    s.arch.dropout
      ? new DropoutMasks(context.seed, s.models, s.dropout, context.epoch, context.shard)
      : undefined,
  );

  const lossSum = new Float64Array(heads);
  const correct = new Float64Array(heads);
  let steps = 0;
  let examples = 0;
  for (const batch of unitBatches(rows, batchSize)) {
    if (context.cancel && Atomics.load(context.cancel, 0) !== 0) throw interrupted();
    const n = batch.count;
    const feeds: Record<string, ort.Tensor> = {
      ...fixed,
      ...current,
      X: new ort.Tensor('float32', batch.x, [n, dims]),
      y: new ort.Tensor('int64', batch.y, [n]),
    };
    stacks.forEach((stack, i) => {
      masks[i]?.next(n, stack.arch.hidden).forEach((mask, l) => {
        feeds[`${stackPrefix(i)}mask${l}`] = new ort.Tensor('float32', mask, [
          stack.models.length,
          n,
          stack.arch.hidden[l]!,
        ]);
      });
    });
    const outputs = await session.run(feeds);
    for (const name of Object.keys(state)) current[name] = outputOf(outputs, nextName(name));
    let k = 0;
    stacks.forEach((stack, i) => {
      const loss = outputOf(outputs, `${stackPrefix(i)}loss`).data as Float32Array;
      const hits = outputOf(outputs, `${stackPrefix(i)}correct`).data as Float32Array;
      for (let j = 0; j < stack.models.length; j++, k++) {
        lossSum[k] = lossSum[k]! + loss[j]!;
        correct[k] = correct[k]! + hits[j]!;
      }
    });
    steps++;
    examples += n;
  }
  // Fresh copies: output buffers belong to the addon and a transferred state must own its memory.
  const next: GroupState = {};
  for (const [name, t] of Object.entries(state)) {
    next[name] = { dims: t.dims, data: (current[name]!.data as Float32Array).slice() };
  }
  return { state: next, lossSum, correct, steps, examples };
}

export interface EvaluationResult {
  /** per head (graph order), summed cross-entropy */
  lossSum: Float64Array;
  correct: Float64Array;
  count: number;
  /** per head a row-major [classes, classes] matrix, rows = true class, columns = predicted */
  confusion: Int32Array;
}

/**
 * Evaluates a fused group on rows, in chunks. The evaluation graph takes X, y and the weights (not
 * the optimizer buffers).
 */
export async function evaluateRows(
  session: ort.InferenceSession,
  rows: SplitRows,
  stacks: readonly { models: readonly string[] }[],
  state: GroupState,
  classes: number,
  chunk = 2048,
): Promise<EvaluationResult> {
  const { dims } = rows;
  const heads = stacks.reduce((n, s) => n + s.models.length, 0);
  const weights: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    const t = state[name];
    if (t) weights[name] = tensorOf(t);
  }
  const lossSum = new Float64Array(heads);
  const correct = new Float64Array(heads);
  const confusion = new Int32Array(heads * classes * classes);
  for (let start = 0; start < rows.count; start += chunk) {
    const end = Math.min(rows.count, start + chunk);
    const n = end - start;
    const outputs = await session.run({
      ...weights,
      X: new ort.Tensor('float32', rows.x.subarray(start * dims, end * dims), [n, dims]),
      y: new ort.Tensor('int64', rows.y.subarray(start, end), [n]),
    });
    const truths = Int32Array.from(rows.y.subarray(start, end), Number);
    let k = 0;
    stacks.forEach((stack, i) => {
      const loss = outputOf(outputs, `${stackPrefix(i)}lossSum`).data as Float32Array;
      const pred = outputOf(outputs, `${stackPrefix(i)}pred`).data as Int32Array;
      for (let j = 0; j < stack.models.length; j++, k++) {
        lossSum[k] = lossSum[k]! + loss[j]!;
        for (let r = 0; r < n; r++) {
          const truth = truths[r]!;
          const guess = pred[j * n + r]!;
          if (truth === guess) correct[k] = correct[k]! + 1;
          confusion[(k * classes + truth) * classes + guess]!++;
        }
      }
    });
  }
  return { lossSum, correct, count: rows.count, confusion };
}
