import type { Rng } from '../../core/random.js';
import type { FusedGroup, HeadStack } from './fused-groups.js';
import { chooseSplits, type SplitChoice } from './split-chooser.js';
import { unitCost } from './unit-cost.js';

/** Cuts a group into `pieces` consecutive runs of its heads (graph order), as even as counts allow. */
export function cutGroup(group: FusedGroup, pieces: number): Omit<FusedGroup, 'id'>[] {
  const flat = group.stacks.flatMap((stack) =>
    stack.models.map((model, k) => ({
      stack,
      model,
      member: stack.members[k]!,
      head: stack.heads[k]!,
    })),
  );
  const base = Math.floor(flat.length / pieces);
  const extra = flat.length % pieces;
  const cut: Omit<FusedGroup, 'id'>[] = [];
  let at = 0;
  for (let p = 0; p < pieces; p++) {
    const part = flat.slice(at, (at += base + (p < extra ? 1 : 0)));
    const stacks: HeadStack[] = [];
    for (const { stack, model, member, head } of part) {
      const last = stacks.at(-1);
      const into =
        last?.arch === stack.arch ? last : { arch: stack.arch, models: [], members: [], heads: [] };
      if (into !== last) stacks.push(into);
      into.models.push(model);
      into.members.push(member);
      into.heads.push(head);
    }
    cut.push({
      featureSet: group.featureSet,
      layer: group.layer,
      batchSize: group.batchSize,
      stacks,
      models: stacks.flatMap((s) => s.models),
      members: stacks.flatMap((s) => s.members),
    });
  }
  return cut;
}

export interface SplitOptions {
  /** training rows per shard (one shard per worker) */
  shardRows: readonly number[];
  dims: (featureSet: string) => number;
  classes: number;
  /** a fresh copy of the epoch's scheduler stream (`epochRng`) */
  rng: () => Rng;
}

/**
 * The epoch's groups cut where that shortens its planned makespan (see `chooseSplits`), renumbered
 * in order. Cutting never changes a head's arithmetic, only which heads share a graph.
 */
export function splitForMakespan(
  groups: readonly FusedGroup[],
  options: SplitOptions,
): { groups: FusedGroup[]; choice: SplitChoice } {
  const { shardRows, classes } = options;
  const cuts = new Map<string, Omit<FusedGroup, 'id'>[]>();
  const cutOf = (g: number, pieces: number) => {
    const key = `${g}:${pieces}`;
    if (!cuts.has(key)) cuts.set(key, cutGroup(groups[g]!, pieces));
    return cuts.get(key)!;
  };
  const choice = chooseSplits({
    maxPieces: groups.map((g) => g.models.length),
    shards: shardRows.length,
    pieceCosts: (g, pieces) =>
      cutOf(g, pieces).map((piece) =>
        shardRows.map((rows) => unitCost(piece, options.dims(piece.featureSet), classes, rows)),
      ),
    rng: options.rng,
  });
  const split = choice.pieces.flatMap((pieces, g) => (pieces === 1 ? [groups[g]!] : cutOf(g, pieces)));
  return { groups: split.map((group, id) => ({ ...group, id })), choice };
}
