import { Rng } from '../../src/core/random.js';
import { fuseGroups, type FusedGroup, type ModelSpec } from '../../src/train/mop/fused-groups.js';
import { groupHyper } from '../../src/train/heads/group-hyper.js';
import type { GroupState, HyperValues } from '../../src/train/heads/group-state.js';
import { headArch } from '../../src/train/heads/head-arch.js';
import type { GroupGraphSpec } from '../../src/train/heads/head-graph.js';
import { resolveHead, type HeadConfig, type ResolvedHead } from '../../src/train/heads/head-config.js';
import { initialModelState, packStack, type ModelState } from '../../src/train/heads/head-state.js';
import type { SplitRows } from '../../src/train/worker/shard-data.js';

/** Small random problems and fused groups for graph-level tests. */
export const D = 7;
export const C = 4;

export function problem(seed: number): {
  rng: Rng;
  mean: Float32Array;
  std: Float32Array;
  rows: (n: number) => SplitRows;
} {
  const rng = new Rng(seed);
  const mean = Float32Array.from({ length: D }, () => rng.normal());
  const std = Float32Array.from({ length: D }, () => 0.5 + rng.next());
  const rows = (n: number): SplitRows => ({
    dims: D,
    count: n,
    x: Float32Array.from({ length: n * D }, () => rng.normal() * 2),
    y: BigInt64Array.from({ length: n }, () => BigInt(rng.int(C))),
  });
  return { rng, mean, std, rows };
}

export function modelsOf(heads: readonly HeadConfig[], firstIndex = 0): ModelSpec[] {
  return heads.map((head, i) => ({
    index: firstIndex + i,
    id: `m${firstIndex + i}`,
    featureSet: 'set',
    layer: 'layer',
    head: resolveHead(head),
  }));
}

/** One group holding every model (fusion splits only on feature set and batch size). */
export function oneGroup(models: readonly ModelSpec[]): FusedGroup {
  const groups = fuseGroups(models, { workers: 1, dims: () => D, classes: C, maxGroupBytes: Infinity });
  if (groups.length !== 1) throw new Error('expected one group');
  return groups[0]!;
}

/**
 * Random states (non-zero weights, optimizer buffers and Adam step counts) so every term of the update
 * matters. Adam's second moments are kept consistent with the first (v ≥ m²), as training keeps them.
 */
export function randomModelState(head: ResolvedHead, seed: number, id: string, rng: Rng): ModelState {
  const state = initialModelState(headArch(head), D, C, seed, id);
  for (const [name, t] of Object.entries(state)) {
    if (name === 't') t.data[0] = 3;
    else if (!(name.startsWith('W') && head.type === 'mlp'))
      for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal() * 0.2;
  }
  for (const [name, t] of Object.entries(state)) {
    const m = state[`m${name.slice(1)}`];
    if (name.startsWith('v') && m)
      t.data.forEach((_, i) => (t.data[i] = m.data[i]! ** 2 * (1 + rng.next()) + 1e-4));
  }
  return state;
}

export function packGroup(group: FusedGroup, states: ReadonlyMap<string, ModelState>): GroupState {
  const out: GroupState = {};
  group.stacks.forEach((s, i) =>
    packStack(
      i,
      s.models.map((id) => states.get(id)!),
      out,
    ),
  );
  return out;
}

export function hyperOf(group: FusedGroup, balanced: Float32Array): HyperValues {
  return groupHyper(group, (_, h) => h.lr, balanced);
}

export function graphSpec(group: FusedGroup, mean: Float32Array, std: Float32Array): GroupGraphSpec {
  return { dims: D, classes: C, mean, std, stacks: group.stacks.map((s) => s.arch) };
}

/** A variety of heads: both types, both optimizers, dropout, class weights, two hidden layers. */
export const VARIED_HEADS: HeadConfig[] = [
  { type: 'linear', lr: 0.5, l2: 0, batchSize: 12, momentum: 0, optimizer: 'sgd' },
  {
    type: 'linear',
    lr: 0.05,
    l2: 1e-2,
    batchSize: 12,
    momentum: 0.9,
    optimizer: 'sgd',
    classWeight: 'balanced',
  },
  { type: 'linear', lr: 0.01, l2: 1e-3, batchSize: 12, momentum: 0, optimizer: 'adam' },
  { type: 'mlp', hidden: [5], lr: 0.1, l2: 1e-3, batchSize: 12, momentum: 0.5, optimizer: 'sgd' },
  { type: 'mlp', hidden: [5], lr: 0.2, l2: 0, batchSize: 12, momentum: 0.9, optimizer: 'sgd' },
  {
    type: 'mlp',
    hidden: [6, 4],
    lr: 0.01,
    l2: 1e-3,
    batchSize: 12,
    momentum: 0,
    optimizer: 'adam',
    dropout: 0.3,
  },
  {
    type: 'mlp',
    hidden: [6, 4],
    lr: 0.02,
    l2: 0,
    batchSize: 12,
    momentum: 0,
    optimizer: 'adam',
    classWeight: 'balanced',
  },
  {
    type: 'mlp',
    hidden: [8],
    lr: 0.05,
    l2: 1e-4,
    batchSize: 12,
    momentum: 0.9,
    optimizer: 'sgd',
    dropout: 0.5,
  },
];
