import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { enumerateModels, fuseGroups } from '../../src/train/mop/fused-groups.js';
import { archKey } from '../../src/train/heads/head-arch.js';
import { cutGroup, splitForMakespan } from '../../src/train/mop/group-splits.js';
import type { HeadConfig } from '../../src/train/heads/head-config.js';
import { epochRng, planEpoch } from '../../src/train/mop/plan.js';
import { chooseSplits, type SplitProblem } from '../../src/train/mop/split-chooser.js';
import { unitCost } from '../../src/train/mop/unit-cost.js';

/**
 * Equal groups of `heads` heads; a piece of k heads costs (overhead + k) on each shard, times `skew`
 * on shard 1. The default overhead is what the step graph measured here: about two heads' worth.
 */
function equalGroups(
  groups: number,
  heads: number,
  shards: number,
  seed: number,
  { overhead = 2, skew = 1 } = {},
): SplitProblem {
  return {
    maxPieces: new Array<number>(groups).fill(heads),
    shards,
    pieceCosts: (_, pieces) =>
      Array.from({ length: pieces }, (__, p) => {
        const k = Math.floor(heads / pieces) + (p < heads % pieces ? 1 : 0);
        return Array.from({ length: shards }, (___, s) => (s === 1 ? skew : 1) * (overhead + k));
      }),
    rng: () => new Rng(seed),
  };
}
const seeds = Array.from({ length: 30 }, (_, i) => i + 1);
const totalPieces = (pieces: readonly number[]) => pieces.reduce((a, b) => a + b, 0);

describe('choosing group splits for the epoch makespan', () => {
  it('packs 3 equal groups on 2 workers to within a few % of the lower bound, whatever the seed', () => {
    for (const seed of seeds)
      for (const skew of [1, 0.97, 0.8]) {
        const choice = chooseSplits(equalGroups(3, 8, 2, seed, { skew }));
        expect(choice.makespan).toBeLessThanOrEqual(choice.lowerBound * 1.05);
        expect(choice.makespan).toBeLessThanOrEqual(choice.unsplitMakespan);
      }
  });

  it('splits where the unsplit plan leaves workers idle: 3 groups on 3 workers, 5 on 2', () => {
    for (const seed of seeds) {
      const three = chooseSplits(equalGroups(3, 8, 3, seed));
      // unsplit, 3 groups × 3 shards never fill 3 rounds under the randomized scheduler
      expect(three.unsplitMakespan).toBeGreaterThan(three.lowerBound * 1.3);
      expect(totalPieces(three.pieces)).toBeGreaterThan(3);
      expect(three.makespan).toBeLessThanOrEqual(three.lowerBound * 1.2);
    }
    const idle = seeds.filter((seed) => {
      const five = chooseSplits(equalGroups(5, 8, 2, seed));
      expect(five.makespan).toBeLessThanOrEqual(five.lowerBound * 1.1);
      if (five.unsplitMakespan <= five.lowerBound * 1.01) expect(five.pieces).toEqual([1, 1, 1, 1, 1]);
      return five.unsplitMakespan > five.lowerBound * 1.1;
    });
    expect(idle.length).toBeGreaterThan(0);
    for (const seed of idle)
      expect(totalPieces(chooseSplits(equalGroups(5, 8, 2, seed)).pieces)).toBeGreaterThan(5);
  });

  it('cuts one group in two for 2 workers; never below one head', () => {
    for (const seed of seeds.slice(0, 5))
      expect(chooseSplits(equalGroups(1, 8, 2, seed)).pieces).toEqual([2]);
    expect(chooseSplits(equalGroups(1, 1, 4, 1)).pieces).toEqual([1]);
  });

  it('keeps many groups whole, and every group whole on one worker', () => {
    const whole = seeds.filter((seed) => {
      const choice = chooseSplits(equalGroups(16, 8, 2, seed));
      expect(choice.makespan).toBeLessThanOrEqual(choice.unsplitMakespan);
      expect(totalPieces(choice.pieces)).toBeLessThanOrEqual(17);
      expect(chooseSplits(equalGroups(3, 8, 1, seed)).pieces).toEqual([1, 1, 1]);
      return totalPieces(choice.pieces) === 16;
    });
    expect(whole.length).toBeGreaterThanOrEqual(25);
  });

  it('does not split when a piece costs nearly as much as the whole group', () => {
    for (const seed of seeds.slice(0, 5)) {
      expect(chooseSplits(equalGroups(1, 8, 2, seed, { overhead: 1000 })).pieces).toEqual([1]);
      expect(chooseSplits(equalGroups(3, 8, 3, seed, { overhead: 1000 })).pieces).toEqual([1, 1, 1]);
    }
  });

  it('bounds the planning work of large runs: few candidates when there are thousands of units', () => {
    // 300 groups on 16 workers, the first of them so large that cutting it keeps paying
    let planned = 0;
    const small = equalGroups(300, 8, 16, 1);
    const problem: SplitProblem = {
      ...small,
      maxPieces: [4096, ...small.maxPieces.slice(1)],
      pieceCosts: (g, pieces) =>
        g === 0
          ? Array.from({ length: pieces }, () => new Array<number>(16).fill(2 + 4096 / pieces))
          : small.pieceCosts(g, pieces),
      rng: () => (planned++, small.rng()),
    };
    const choice = chooseSplits(problem);
    expect(planned).toBeLessThanOrEqual(5);
    expect(choice.makespan).toBeLessThan(choice.unsplitMakespan);
  });

  it('is deterministic: the same problem and stream give the same split', () => {
    for (const seed of seeds.slice(0, 5))
      expect(chooseSplits(equalGroups(5, 8, 2, seed))).toEqual(chooseSplits(equalGroups(5, 8, 2, seed)));
  });
});

const linear = (lr: number): HeadConfig => ({
  type: 'linear',
  lr,
  l2: 0,
  batchSize: 32,
  momentum: 0,
  optimizer: 'sgd',
});
const mlp = (lr: number): HeadConfig => ({
  type: 'mlp',
  hidden: [8],
  lr,
  l2: 0,
  batchSize: 32,
  momentum: 0,
  optimizer: 'adam',
});

describe('cutting fused groups', () => {
  const sets = [
    { key: 'a', layer: 'block1' },
    { key: 'b', layer: 'block2' },
    { key: 'c', layer: 'block3' },
  ];
  const fusion = { workers: 1, dims: () => 64, classes: 4, maxGroupBytes: Infinity };

  it('cuts a group into even consecutive runs of its heads, stacks kept by architecture', () => {
    const [group] = fuseGroups(
      enumerateModels(sets.slice(0, 1), [linear(0.1), mlp(0.1), linear(0.2), mlp(0.2), linear(0.3)]),
      fusion,
    );
    expect(group!.models).toEqual(['m0', 'm2', 'm4', 'm1', 'm3']);
    const pieces = cutGroup(group!, 2);
    expect(pieces.map((p) => p.models)).toEqual([
      ['m0', 'm2', 'm4'],
      ['m1', 'm3'],
    ]);
    const three = cutGroup(group!, 3);
    expect(three.map((p) => p.models)).toEqual([['m0', 'm2'], ['m4', 'm1'], ['m3']]);
    expect(three[1]!.stacks.map((s) => [archKey(s.arch), s.models])).toEqual([
      ['linear/sgd', ['m4']],
      ['8/adam', ['m1']],
    ]);
    expect(three[1]!.members).toEqual([4, 1]);
    expect(three[1]!.stacks[1]!.heads).toEqual([group!.stacks[1]!.heads[0]]);
  });

  it('splits real groups so that every model trains exactly once, planned as chosen', () => {
    // the benchmark's shapes: 8 logistic-regression heads per 512-wide layer, 10 classes
    const heads = Array.from({ length: 8 }, (_, i) => ({ ...linear(0.01 * (i + 1)), batchSize: 256 }));
    const models = enumerateModels(sets, heads);
    const fused = fuseGroups(models, { ...fusion, dims: () => 512, classes: 10 });
    expect(fused).toHaveLength(3);
    const shardRows = [4000, 4000, 3999];
    const split = (seed: number) =>
      splitForMakespan(fused, { shardRows, dims: () => 512, classes: 10, rng: () => epochRng(seed, 1) });
    for (const seed of seeds) {
      const { groups, choice } = split(seed);
      expect(groups.map((g) => g.id)).toEqual(groups.map((_, i) => i));
      expect(groups.flatMap((g) => g.models).sort()).toEqual(models.map((m) => m.id).sort());
      expect(groups.every((g) => g.featureSet === models[g.members[0]!]!.featureSet)).toBe(true);
      // the epoch runner plans these groups with the same costs and stream: the same makespan
      const plan = planEpoch(
        groups.length,
        3,
        (u) => unitCost(groups[u.group]!, 512, 10, shardRows[u.shard]!),
        epochRng(seed, 1),
      );
      expect(plan.makespan).toBe(choice.makespan);
      expect(choice.makespan).toBeLessThan(choice.unsplitMakespan);
      expect(groups.length).toBeGreaterThan(3);
      expect(split(seed)).toEqual({ groups, choice });
    }
  });
});
