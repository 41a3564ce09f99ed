import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { Split, stratifiedSplit } from '../../src/data/split.js';

const labelsOf = (count: number, classes: number, seed: number) => {
  const rng = new Rng(seed);
  return Int32Array.from({ length: count }, () => rng.int(classes));
};

describe('stratifiedSplit', () => {
  it('is a function of the labels and the seed', () => {
    const labels = labelsOf(500, 4, 1);
    expect(stratifiedSplit(labels, 3)).toEqual(stratifiedSplit(labels, 3));
    expect(stratifiedSplit(labels, 3)).not.toEqual(stratifiedSplit(labels, 4));
  });

  it('gives every class 70/15/15 of its records', () => {
    const labels = labelsOf(2000, 5, 2);
    const split = stratifiedSplit(labels, 7);
    for (let c = 0; c < 5; c++) {
      const members = [...labels.keys()].filter((i) => labels[i] === c);
      const inSplit = (s: number) => members.filter((i) => split[i] === s).length;
      expect(Math.abs(inSplit(Split.train) - 0.7 * members.length)).toBeLessThanOrEqual(1);
      expect(Math.abs(inSplit(Split.val) - 0.15 * members.length)).toBeLessThanOrEqual(1);
      expect(inSplit(Split.train) + inSplit(Split.val) + inSplit(Split.test)).toBe(members.length);
    }
  });

  it('honours other fractions and rejects impossible ones', () => {
    const labels = labelsOf(100, 1, 3);
    const split = stratifiedSplit(labels, 1, { train: 0.5, val: 0.5 });
    expect(split.filter((s) => s === Split.test).length).toBe(0);
    expect(split.filter((s) => s === Split.train).length).toBe(50);
    expect(() => stratifiedSplit(labels, 1, { train: 0.8, val: 0.3 })).toThrow(RangeError);
  });
});
