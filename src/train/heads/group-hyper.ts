import type { FusedGroup } from '../mop/fused-groups.js';
import type { ResolvedHead } from './head-config.js';
import type { HyperValues, StateTensor } from './group-state.js';
import { stackPrefix } from './head-graph-forward.js';

const column = (values: number[]): StateTensor => ({
  dims: [values.length, 1, 1],
  data: Float32Array.from(values),
});

/**
 * A group's hyper-parameter inputs for one epoch: per stack lr (from each model's own schedule),
 * l2, momentum (SGD) and class weights cw [K, C, 1] (ones, or the balanced weights).
 */
export function groupHyper(
  group: FusedGroup,
  lrOf: (member: number, head: ResolvedHead) => number,
  balancedWeights: Float32Array,
): HyperValues {
  const classes = balancedWeights.length;
  const hyper: HyperValues = {};
  group.stacks.forEach((stack, i) => {
    const p = stackPrefix(i);
    hyper[`${p}lr`] = column(stack.heads.map((h, k) => lrOf(stack.members[k]!, h)));
    hyper[`${p}l2`] = column(stack.heads.map((h) => h.l2));
    if (stack.arch.optimizer === 'sgd') hyper[`${p}momentum`] = column(stack.heads.map((h) => h.momentum));
    const cw = new Float32Array(stack.heads.length * classes);
    stack.heads.forEach((h, k) => {
      for (let c = 0; c < classes; c++)
        cw[k * classes + c] = h.classWeight === 'balanced' ? balancedWeights[c]! : 1;
    });
    hyper[`${p}cw`] = { dims: [stack.heads.length, classes, 1], data: cw };
  });
  return hyper;
}

/** Balanced class weights n / (classes · n_c) over the train labels (scikit-learn's `balanced`). */
export function balancedClassWeights(labels: ArrayLike<number>, classes: number): Float32Array {
  const counts = new Float64Array(classes);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!] = counts[labels[i]!]! + 1;
  return Float32Array.from(counts, (n) => (n > 0 ? labels.length / (classes * n) : 1));
}
