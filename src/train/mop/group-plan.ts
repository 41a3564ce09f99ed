import { balancedClassWeights } from '../heads/group-hyper.js';

import type { StoreGroups } from '../../store/feature-store.js';

/** A group's record counts per split. */
export interface GroupRecords {
  train: number;
  val: number;
  test: number;
}

/** Which data groups a grouped run trains (those large enough), and each record's trained group. */
export interface GroupPlan {
  /** the trained groups, in the store's order; their position is the group axis of the graphs */
  names: string[];
  records: GroupRecords[];
  /** per trained group, balanced class weights over its own train records */
  balanced: Float32Array[];
  /** per record, its position in `names`, or −1 (no group, or a skipped one) */
  recordGroup: Int32Array;
  skipped: { name: string; records: GroupRecords }[];
  minRecords: number;
}

/** @default 10 train records: fewer cannot fit a head that is worth comparing with the shared one. */
export const DEFAULT_MIN_GROUP_RECORDS = 10;

/**
 * Keeps the groups with at least `minRecords` train records and at least one validation record (the
 * best layer and head of a group are chosen on its own validation records); lists the others.
 */
export function planGroups(
  groups: StoreGroups,
  rows: { train: Int32Array; val: Int32Array; test: Int32Array },
  labels: ArrayLike<number>,
  classes: number,
  minRecords: number,
): GroupPlan {
  const counts: GroupRecords[] = groups.names.map(() => ({ train: 0, val: 0, test: 0 }));
  for (const split of ['train', 'val', 'test'] as const)
    for (const r of rows[split]) {
      const g = groups.index[r]!;
      if (g >= 0 && g < counts.length) counts[g]![split]++;
    }
  const kept: number[] = [];
  const skipped: GroupPlan['skipped'] = [];
  groups.names.forEach((name, g) => {
    if (counts[g]!.train >= minRecords && counts[g]!.val > 0) kept.push(g);
    else skipped.push({ name, records: counts[g]! });
  });
  const position = new Int32Array(groups.names.length).fill(-1);
  kept.forEach((g, i) => (position[g] = i));
  const recordGroup = Int32Array.from(groups.index, (g) =>
    g >= 0 && g < position.length ? position[g]! : -1,
  );
  const trainLabels = kept.map(() => [] as number[]);
  for (const r of rows.train) {
    const g = recordGroup[r]!;
    if (g >= 0) trainLabels[g]!.push(labels[r]!);
  }
  return {
    names: kept.map((g) => groups.names[g]!),
    records: kept.map((g) => counts[g]!),
    balanced: trainLabels.map((l) => balancedClassWeights(l, classes)),
    recordGroup,
    skipped,
    minRecords,
  };
}
