/**
 * The group × layer table of a `train --groups` run: one row per data group, one column per layer,
 * each cell the group's best validation metric at that layer (its best layer marked), then the
 * shared head's test metric on the group's test records, for comparison. Pure.
 */
import type { GroupOutcome } from '../backend.js';

export interface GroupMatrixRow {
  group: string;
  /** per layer (in `layers` order) the group's best validation metric there; undefined: none */
  cells: (number | undefined)[];
  /** index into `layers` of the group's best layer; -1 when it is not one of them */
  best: number;
  bestVal: number | undefined;
  /** the group's own best head on its test records */
  ownTest: number | undefined;
  sharedTest: number | undefined;
}

const value = (v: number | null | undefined) => (v === null || v === undefined ? undefined : v);

/** Rows in the results' group order, columns in `layers` (depth) order. */
export function groupMatrix(groups: readonly GroupOutcome[], layers: readonly string[]): GroupMatrixRow[] {
  return groups.map((g) => {
    const byLayer = new Map(g.layers.map((l) => [l.layer, value(l.val)]));
    return {
      group: g.name,
      cells: layers.map((layer) => byLayer.get(layer)),
      best: layers.indexOf(g.best.layer),
      bestVal: value(g.best.val),
      ownTest: value(g.best.test),
      sharedTest: value(g.shared.test),
    };
  });
}

/** Layers of the grid in depth order: the run's layers first, then any only the groups name. */
export function groupLayers(groups: readonly GroupOutcome[], runLayers: readonly string[]): string[] {
  const extra = groups.flatMap((g) => g.layers.map((l) => l.layer)).filter((l) => !runLayers.includes(l));
  return [...runLayers, ...new Set(extra)];
}
