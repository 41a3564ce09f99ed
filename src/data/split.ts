import { Rng } from '../core/random.js';

/** Split codes as stored in `split.npy` (DESIGN.md, "Feature export"). */
export const Split = { train: 0, val: 1, test: 2 } as const;
export type Split = (typeof Split)[keyof typeof Split];

export interface SplitFractions {
  /** @default 0.7 */
  train: number;
  /** @default 0.15; the test split gets the rest */
  val: number;
}

export const defaultSplitFractions: SplitFractions = { train: 0.7, val: 0.15 };

/**
 * Assigns every record to train, val or test, stratified by label so each split sees every class in
 * proportion, from a seed alone: the same labels and seed always give the same split.
 */
export function stratifiedSplit(
  labels: Int32Array,
  seed: number,
  fractions: SplitFractions = defaultSplitFractions,
): Uint8Array {
  if (fractions.train < 0 || fractions.val < 0 || fractions.train + fractions.val > 1) {
    throw new RangeError(`split fractions must be non-negative and sum to at most 1`);
  }
  const byClass = new Map<number, number[]>();
  labels.forEach((label, index) => {
    const members = byClass.get(label);
    if (members) members.push(index);
    else byClass.set(label, [index]);
  });
  const split = new Uint8Array(labels.length);
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = Rng.derive(seed, `split/${label}`).shuffle(byClass.get(label)!);
    const train = Math.round(members.length * fractions.train);
    const val = Math.round(members.length * (fractions.train + fractions.val)) - train;
    members.forEach((index, position) => {
      split[index] = position < train ? Split.train : position < train + val ? Split.val : Split.test;
    });
  }
  return split;
}
