import type { FusedGroup } from '../mop/fused-groups.js';
import type { GroupState } from './group-state.js';
import { parameterShapes } from './head-arch.js';
import { stackPrefix } from './head-graph-forward.js';
import { accuracyOf, macroF1 } from './metrics.js';
import { groupRun } from '../mop/group-run.js';
import type { Transport } from '../transport/transport.js';
import type { EvalSplit } from '../worker/worker-protocol.js';

/** One model's metrics on a whole split. */
export interface ModelEvaluation {
  count: number;
  loss: number;
  accuracy: number;
  macroF1: number;
  /** row-major [classes, classes] */
  confusion: Int32Array;
}

/**
 * The tensors of a group's state the evaluation graph reads: its weights, not the optimizer buffers
 * (half the state or less). Each worker gets a copy of what is sent, made on the coordinator's thread,
 * which on two cores shares a core with the workers; and the epoch's last group is validated while
 * the next epoch waits.
 */
export function evaluatedState(group: FusedGroup, state: GroupState): GroupState {
  const out: GroupState = {};
  group.stacks.forEach((stack, i) => {
    for (const name of Object.keys(parameterShapes(stack.arch, 1, 1))) {
      const tensor = state[`${stackPrefix(i)}${name}`];
      if (tensor) out[`${stackPrefix(i)}${name}`] = tensor;
    }
  });
  return out;
}

/**
 * Every worker evaluates every group on its part of the split, in parallel; parts are summed in
 * shard order. Returns per group, per head (graph order) the model's metrics.
 */
export async function evaluateGroups(
  transport: Transport,
  groups: readonly FusedGroup[],
  states: readonly GroupState[],
  split: EvalSplit,
  classes: number,
): Promise<ModelEvaluation[][]> {
  const request = groups.map((g, i) => ({ ...groupRun(g), state: evaluatedState(g, states[i]!) }));
  const replies = await transport.evaluate({ type: 'evaluate', split, groups: request });
  return groups.map((group, i) => {
    const heads = group.models.length;
    const lossSum = new Float64Array(heads);
    const confusion = new Int32Array(heads * classes * classes);
    let count = 0;
    for (const reply of replies) {
      const part = reply[i]!;
      count += part.count;
      for (let k = 0; k < heads; k++) lossSum[k] = lossSum[k]! + part.lossSum[k]!;
      part.confusion.forEach((n, at) => (confusion[at] = confusion[at]! + n));
    }
    return Array.from({ length: heads }, (_, k) => {
      const matrix = confusion.slice(k * classes * classes, (k + 1) * classes * classes);
      return {
        count,
        loss: count > 0 ? lossSum[k]! / count : Number.NaN,
        accuracy: accuracyOf(matrix, classes),
        macroF1: macroF1(matrix, classes),
        confusion: matrix,
      };
    });
  });
}
