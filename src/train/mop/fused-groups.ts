import { archKey, headArch, headBytes, type HeadArch } from '../heads/head-arch.js';
import { resolveHead, type HeadConfig, type ResolvedHead } from '../heads/head-config.js';

/** A model is one (feature set, head config) pair; ids are stable: m0, m1, … in creation order. */
export interface ModelSpec {
  /** position in the run's model table */
  index: number;
  id: string;
  featureSet: string;
  layer: string;
  head: ResolvedHead;
}

/** Heads of one architecture and optimizer inside a group, stacked on a head axis in its graph. */
export interface HeadStack {
  arch: HeadArch;
  models: string[];
  members: number[];
  heads: ResolvedHead[];
}

/** Heads trained together in one fused graph (Nautilus, SIGMOD 2022). */
export interface FusedGroup {
  id: number;
  featureSet: string;
  layer: string;
  batchSize: number;
  stacks: HeadStack[];
  /** model ids in graph order (stack by stack) */
  models: string[];
  /** the same models as indices into the run's model table */
  members: number[];
  /** grouped learning: one copy of every head per data group, trained in the same scan */
  groups?: string[];
}

export interface FusionOptions {
  /** one shard per worker; groups are split until every worker has one */
  workers: number;
  /** feature dimensions per feature set key */
  dims: (featureSet: string) => number;
  classes: number;
  /** the most a group's training step may hold in memory (float32 state, activations, batch) */
  maxGroupBytes: number;
}

/** @default 512 MiB: a fused group's step stays well inside one worker's share of RAM. */
export const DEFAULT_MAX_GROUP_BYTES = 512 * 2 ** 20;

/** Models in the order of a grid over feature sets × heads (m0 = first set × first head, …). */
export function enumerateModels(
  featureSets: readonly { key: string; layer: string }[],
  heads: readonly HeadConfig[],
): ModelSpec[] {
  return featureSets.flatMap((set, s) =>
    heads.map((head, h) => {
      const index = s * heads.length + h;
      return { index, id: `m${index}`, featureSet: set.key, layer: set.layer, head: resolveHead(head) };
    }),
  );
}

/** Heads fuse when they read the same features in the same batches. */
const fusionKey = (m: ModelSpec) => `${m.featureSet}\u0000${m.head.batchSize}`;

function bytesOf(models: readonly ModelSpec[], options: FusionOptions): number {
  const first = models[0];
  if (!first) return 0;
  const dims = options.dims(first.featureSet);
  const shared = 2 * first.head.batchSize * dims * 4; // the batch and its standardized copy
  return models.reduce(
    (n, m) => n + headBytes(headArch(m.head), dims, options.classes, m.head.batchSize),
    shared,
  );
}

/** Cuts a list into consecutive chunks that each fit the budget (a head that alone exceeds it runs alone). */
function splitByMemory(models: ModelSpec[], options: FusionOptions): ModelSpec[][] {
  const chunks: ModelSpec[][] = [];
  let current: ModelSpec[] = [];
  for (const model of models) {
    if (current.length > 0 && bytesOf([...current, model], options) > options.maxGroupBytes) {
      chunks.push(current);
      current = [];
    }
    current.push(model);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function stacksOf(models: readonly ModelSpec[]): HeadStack[] {
  const stacks = new Map<string, HeadStack>();
  for (const m of models) {
    const arch = headArch(m.head);
    const key = archKey(arch);
    const stack = stacks.get(key) ?? { arch, models: [], members: [], heads: [] };
    stack.models.push(m.id);
    stack.members.push(m.index);
    stack.heads.push(m.head);
    stacks.set(key, stack);
  }
  return [...stacks.values()];
}

/**
 * Groups models by (feature set, batch size) in first-appearance order, ordered by architecture
 * within a group, cut where a group would exceed the memory budget. With fewer groups than workers,
 * the largest group is halved until every worker can be busy (or every group is one head): Cerebro
 * keeps all workers busy only when there are at least as many models as workers. Fusion never changes
 * a head's arithmetic, so how models are grouped does not change any result.
 */
export function fuseGroups(models: readonly ModelSpec[], options: FusionOptions): FusedGroup[] {
  const byKey = new Map<string, ModelSpec[]>();
  for (const model of models) byKey.set(fusionKey(model), [...(byKey.get(fusionKey(model)) ?? []), model]);
  const groups: ModelSpec[][] = [];
  for (const members of byKey.values()) {
    const archOrder = [...new Set(members.map((m) => archKey(headArch(m.head))))];
    const ordered = archOrder.flatMap((key) => members.filter((m) => archKey(headArch(m.head)) === key));
    groups.push(...splitByMemory(ordered, options));
  }
  while (groups.length < options.workers) {
    let largest = 0;
    groups.forEach((g, i) => {
      if (g.length > groups[largest]!.length) largest = i;
    });
    const group = groups[largest]!;
    if (group.length < 2) break;
    const half = Math.ceil(group.length / 2);
    groups.splice(largest, 1, group.slice(0, half), group.slice(half));
  }
  return groups.map((members, id) => {
    const stacks = stacksOf(members);
    return {
      id,
      featureSet: members[0]!.featureSet,
      layer: members[0]!.layer,
      batchSize: members[0]!.head.batchSize,
      stacks,
      models: stacks.flatMap((s) => s.models),
      members: stacks.flatMap((s) => s.members),
    };
  });
}
