import type { GroupState } from './group-state.js';
import type { ShardWorker } from './shard-worker.js';
import type { FusedGroup } from './fused-groups.js';
import type { EvalSplit } from './worker-protocol.js';

/** One group's metrics on a whole split, summed over every worker's part of it. */
export interface GroupEvaluation {
  count: number;
  /** per head */
  loss: number[];
  accuracy: number[];
  /** per head, [classes][classes] */
  confusion?: number[][][];
}

/**
 * Every worker evaluates every group on its part of the split, in parallel; parts are summed in
 * shard order.
 */
export async function evaluateGroups(
  workers: readonly ShardWorker[],
  groups: readonly FusedGroup[],
  states: readonly GroupState[],
  split: EvalSplit,
  classes: number,
  confusion: boolean,
): Promise<GroupEvaluation[]> {
  // posted without a transfer list, so each worker gets a copy and the main thread keeps the state
  const request = groups.map((g) => ({ group: g.id, featureSet: g.featureSet, state: states[g.id]! }));
  const replies = await Promise.all(
    workers.map((w) => w.request('evaluate', { split, confusion, groups: request })),
  );
  return groups.map((group, i) => {
    const heads = group.models.length;
    const lossSum = new Float64Array(heads);
    const correct = new Float64Array(heads);
    const matrix = new Float64Array(heads * classes * classes);
    let count = 0;
    for (const reply of replies) {
      const part = reply.results[i]!;
      count += part.count;
      for (let k = 0; k < heads; k++) {
        lossSum[k] = lossSum[k]! + part.lossSum[k]!;
        correct[k] = correct[k]! + part.correct[k]!;
      }
      part.confusion?.forEach((n, at) => (matrix[at] = matrix[at]! + n));
    }
    const perHead = (values: Float64Array) => Array.from(values, (v) => (count > 0 ? v / count : NaN));
    const evaluation: GroupEvaluation = { count, loss: perHead(lossSum), accuracy: perHead(correct) };
    if (confusion) {
      evaluation.confusion = Array.from({ length: heads }, (_, k) =>
        Array.from({ length: classes }, (_, t) =>
          Array.from(matrix.subarray((k * classes + t) * classes, (k * classes + t + 1) * classes)),
        ),
      );
    }
    return evaluation;
  });
}
