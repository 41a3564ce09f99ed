import { Rng } from '../core/random.js';
import { unitHash } from './record-hash.js';
import type { RecordIds } from './record-ids.js';

/** Split codes as stored in `split.npy` (docs/contract.md, "Feature export"). */
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

/**
 * Assigns each record by a hash of (seed, record id) against the fractions: deterministic, and a
 * record keeps its split when others are added, so a grown dataset never moves test records into
 * training. Proportions hold in expectation rather than exactly.
 */
export function hashSplit(
  ids: Pick<RecordIds, 'length' | 'at'>,
  seed: number,
  fractions: SplitFractions = defaultSplitFractions,
): Uint8Array {
  checkFractions(fractions);
  // by index, not `Uint8Array.from(ids)`: that would first collect every id of compact ids in a list
  const split = new Uint8Array(ids.length);
  for (let i = 0; i < split.length; i++) {
    const u = unitHash(seed, `split/${ids.at(i)!}`);
    split[i] =
      u < fractions.train ? Split.train : u < fractions.train + fractions.val ? Split.val : Split.test;
  }
  return split;
}

const splitNames: Record<string, Split> = {
  train: Split.train,
  training: Split.train,
  '0': Split.train,
  val: Split.val,
  valid: Split.val,
  validation: Split.val,
  dev: Split.val,
  '1': Split.val,
  test: Split.test,
  testing: Split.test,
  '2': Split.test,
};

/** A split column's value (`train`, `val`/`validation`/`dev`, `test`, or 0/1/2), or undefined. */
export function parseSplitValue(value: string): Split | undefined {
  return splitNames[value.trim().toLowerCase()];
}

/** `0.8,0.1,0.1` (train,val,test; normalised to sum 1) or `0.8,0.1` (test gets the rest). */
export function parseSplitFractions(text: string): SplitFractions {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !Number.isFinite(p) || p < 0))
    throw new RangeError(`--split takes train,val[,test] fractions such as 0.7,0.15,0.15, got ${text}`);
  const total = parts.length === 3 ? parts.reduce((a, b) => a + b, 0) : 1;
  const fractions = { train: parts[0]! / total, val: parts[1]! / total };
  checkFractions(fractions);
  return fractions;
}

function checkFractions(fractions: SplitFractions): void {
  if (fractions.train < 0 || fractions.val < 0 || fractions.train + fractions.val > 1 + 1e-9) {
    throw new RangeError(`split fractions must be non-negative and sum to at most 1`);
  }
}
