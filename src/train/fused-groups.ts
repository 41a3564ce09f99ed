import type { HeadConfig } from './head-config.js';

/** A model is one (feature set, head config) pair; ids are stable: m0, m1, … in that order. */
export interface ModelSpec {
  /** position in (feature set, head) order */
  index: number;
  id: string;
  featureSet: string;
  layer: string;
  head: HeadConfig;
}

/** Heads trained together in one fused graph (Nautilus, SIGMOD 2022). */
export interface FusedGroup {
  id: number;
  featureSet: string;
  layer: string;
  batchSize: number;
  /** model ids, in head order within the graph */
  models: string[];
  /** the same models as indices into the run's model list */
  members: number[];
  heads: HeadConfig[];
}

export function enumerateModels(
  featureSets: readonly { key: string; layer: string }[],
  heads: readonly HeadConfig[],
): ModelSpec[] {
  return featureSets.flatMap((set, s) =>
    heads.map((head, h) => {
      const index = s * heads.length + h;
      return { index, id: `m${index}`, featureSet: set.key, layer: set.layer, head };
    }),
  );
}

/** Heads fuse when they read the same features in the same batches through the same graph. */
function fusionKey(model: ModelSpec): string {
  return `${model.featureSet}\u0000${model.head.type}\u0000${model.head.optimizer}\u0000${model.head.batchSize}`;
}

/**
 * Groups models by fusion key, in first-appearance order. With fewer groups than workers, the largest
 * group is halved until every worker can be busy (or every group is one head): Cerebro keeps all
 * workers busy only when there are at least as many models as workers.
 */
export function fuseGroups(models: readonly ModelSpec[], workers: number): FusedGroup[] {
  const byKey = new Map<string, ModelSpec[]>();
  for (const model of models) {
    const key = fusionKey(model);
    byKey.set(key, [...(byKey.get(key) ?? []), model]);
  }
  const groups = [...byKey.values()];
  while (groups.length < workers) {
    let largest = 0;
    groups.forEach((g, i) => {
      if (g.length > groups[largest]!.length) largest = i;
    });
    const group = groups[largest]!;
    if (group.length < 2) break;
    const half = Math.ceil(group.length / 2);
    groups.splice(largest, 1, group.slice(0, half), group.slice(half));
  }
  return groups.map((members, id) => ({
    id,
    featureSet: members[0]!.featureSet,
    layer: members[0]!.layer,
    batchSize: members[0]!.head.batchSize,
    models: members.map((m) => m.id),
    members: members.map((m) => m.index),
    heads: members.map((m) => m.head),
  }));
}
