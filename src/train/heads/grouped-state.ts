import type { FusedGroup } from '../mop/fused-groups.js';
import type { HeadArch } from './head-arch.js';
import type { ResolvedHead } from './head-config.js';
import type { GroupState, HyperValues, StateTensor } from './group-state.js';
import { stackPrefix } from './head-graph-forward.js';
import { initialModelState, type ModelState } from './head-state.js';

/**
 * The id a model's copy for one data group is seeded by (its initial weights and dropout streams), so
 * that copy starts exactly as the same model trained alone on that group's records would.
 */
export const groupedModelId = (modelId: string, group: string): string => `${modelId}@${group}`;

/** One model's state for every data group: each tensor [G, …], group g's slice seeded by `id@group`. */
export function groupedInitialState(
  arch: HeadArch,
  dims: number,
  classes: number,
  seed: number,
  modelId: string,
  groups: readonly string[],
): ModelState {
  const perGroup = groups.map((name) =>
    initialModelState(arch, dims, classes, seed, groupedModelId(modelId, name)),
  );
  return stackGroups(perGroup);
}

/** Stacks per-group states (same names and shapes) on a leading group axis. */
export function stackGroups(perGroup: readonly ModelState[]): ModelState {
  const state: ModelState = {};
  for (const name of Object.keys(perGroup[0] ?? {})) {
    const size = perGroup[0]![name]!.data.length;
    const data = new Float32Array(size * perGroup.length);
    perGroup.forEach((s, g) => data.set(s[name]!.data, g * size));
    state[name] = { dims: [perGroup.length, ...perGroup[0]![name]!.dims], data };
  }
  return state;
}

/** Group g's slice of a model's grouped state ([G, …] → […]), as copies. */
export function groupSlice(state: ModelState, g: number): ModelState {
  const out: ModelState = {};
  for (const [name, t] of Object.entries(state)) {
    const size = t.data.length / t.dims[0]!;
    out[name] = { dims: t.dims.slice(1), data: t.data.slice(g * size, (g + 1) * size) };
  }
  return out;
}

/**
 * Group g's slice of a packed grouped group state ([K, G, …] → [K, …]), which the ungrouped
 * evaluation graph takes as it is.
 */
export function packedGroupSlice(state: GroupState, g: number, groups: number): GroupState {
  const out: GroupState = {};
  for (const [name, t] of Object.entries(state)) {
    const [heads, , ...rest] = t.dims as [number, number, ...number[]];
    const size = t.data.length / (heads * groups);
    const data = new Float32Array(heads * size);
    for (let k = 0; k < heads; k++)
      data.set(t.data.subarray((k * groups + g) * size, (k * groups + g + 1) * size), k * size);
    out[name] = { dims: [heads, ...rest], data };
  }
  return out;
}

const column4 = (values: number[]): StateTensor => ({
  dims: [values.length, 1, 1, 1],
  data: Float32Array.from(values),
});

/**
 * A grouped fused group's hyper-parameter inputs: lr, l2, momentum [K, 1, 1, 1] and class weights
 * cw [K, G, C, 1], where `balanced` heads get each group's own balanced weights (per-group class
 * balance: a group's rare class is rare within that group).
 */
export function groupedHyper(
  group: FusedGroup,
  lrOf: (member: number, head: ResolvedHead) => number,
  balancedByGroup: readonly Float32Array[],
): HyperValues {
  const groups = balancedByGroup.length;
  const classes = balancedByGroup[0]?.length ?? 0;
  const hyper: HyperValues = {};
  group.stacks.forEach((stack, i) => {
    const p = stackPrefix(i);
    hyper[`${p}lr`] = column4(stack.heads.map((h, k) => lrOf(stack.members[k]!, h)));
    hyper[`${p}l2`] = column4(stack.heads.map((h) => h.l2));
    if (stack.arch.optimizer === 'sgd') hyper[`${p}momentum`] = column4(stack.heads.map((h) => h.momentum));
    const cw = new Float32Array(stack.heads.length * groups * classes);
    stack.heads.forEach((h, k) => {
      for (let g = 0; g < groups; g++)
        for (let c = 0; c < classes; c++)
          cw[(k * groups + g) * classes + c] = h.classWeight === 'balanced' ? balancedByGroup[g]![c]! : 1;
    });
    hyper[`${p}cw`] = { dims: [stack.heads.length, groups, classes, 1], data: cw };
  });
  return hyper;
}
