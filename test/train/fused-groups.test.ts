import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { enumerateModels, fuseGroups, type FusionOptions } from '../../src/train/mop/fused-groups.js';
import { headArch, headBytes } from '../../src/train/heads/head-arch.js';
import type { HeadConfig, LinearHeadConfig } from '../../src/train/heads/head-config.js';
import { planEpoch } from '../../src/train/mop/plan.js';

const head = (lr: number, batchSize = 32): LinearHeadConfig => ({
  type: 'linear',
  lr,
  l2: 0,
  batchSize,
  momentum: 0,
  optimizer: 'sgd',
});
const sets = [
  { key: 'a', layer: 'block1' },
  { key: 'b', layer: 'block2' },
];
const options = (workers: number, maxGroupBytes = Infinity): FusionOptions => ({
  workers,
  dims: () => 16,
  classes: 3,
  maxGroupBytes,
});

describe('fused groups', () => {
  it('fuses heads that share a feature set and batch size, with stable model ids', () => {
    const models = enumerateModels(sets, [head(0.1), head(0.2, 64), head(0.3)]);
    expect(models.map((m) => m.id)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    const groups = fuseGroups(models, options(2));
    expect(groups.map((g) => g.models)).toEqual([['m0', 'm2'], ['m1'], ['m3', 'm5'], ['m4']]);
    expect(groups.map((g) => [g.featureSet, g.batchSize])).toEqual([
      ['a', 32],
      ['a', 64],
      ['b', 32],
      ['b', 64],
    ]);
  });

  it('puts every architecture and optimizer of a group in its own stack of the one graph', () => {
    const mixed: HeadConfig[] = [
      head(0.1),
      { type: 'mlp', hidden: [8], lr: 0.1, l2: 0, batchSize: 32, momentum: 0, optimizer: 'adam' },
      head(0.2),
      {
        type: 'mlp',
        hidden: [8],
        lr: 0.2,
        l2: 0,
        batchSize: 32,
        momentum: 0,
        optimizer: 'adam',
        dropout: 0.1,
      },
      { type: 'mlp', hidden: [8], lr: 0.3, l2: 0, batchSize: 32, momentum: 0, optimizer: 'adam' },
    ];
    const [group, ...rest] = fuseGroups(enumerateModels(sets.slice(0, 1), mixed), options(1));
    expect(rest).toHaveLength(0);
    expect(group!.stacks.map((s) => s.models)).toEqual([['m0', 'm2'], ['m1', 'm4'], ['m3']]);
    expect(group!.models).toEqual(['m0', 'm2', 'm1', 'm4', 'm3']);
    expect(group!.members).toEqual([0, 2, 1, 4, 3]);
  });

  it('splits a group that would exceed the memory budget, keeping each part under it', () => {
    const heads = Array.from({ length: 10 }, (_, i) => head(0.01 * (i + 1)));
    const models = enumerateModels(sets.slice(0, 1), heads);
    const perHead = headBytes(headArch(models[0]!.head), 16, 3, 32);
    const shared = 2 * 32 * 16 * 4;
    const budget = shared + 3 * perHead;
    const groups = fuseGroups(models, options(1, budget));
    expect(groups.map((g) => g.models.length)).toEqual([3, 3, 3, 1]);
    expect(groups.flatMap((g) => g.models)).toEqual(models.map((m) => m.id));
    // a head that alone exceeds the budget still trains, alone
    expect(fuseGroups(models, options(1, 1)).map((g) => g.models.length)).toEqual(new Array(10).fill(1));
  });

  it('splits groups when there are fewer groups than workers, so no worker idles', () => {
    const models = enumerateModels(sets.slice(0, 1), [head(0.1), head(0.2), head(0.3), head(0.4), head(0.5)]);
    const groups = fuseGroups(models, options(3));
    expect(groups.map((g) => g.models)).toEqual([['m0', 'm1'], ['m2'], ['m3', 'm4']]);
    expect(groups.flatMap((g) => g.members)).toEqual([0, 1, 2, 3, 4]);
    // every worker starts a unit at time 0
    const plan = planEpoch(groups.length, 3, () => 1, new Rng(1));
    expect(new Set(plan.units.slice(0, 3).map((u) => u.worker)).size).toBe(3);
    expect(plan.units.slice(0, 3).every((u) => u.after === undefined)).toBe(true);

    expect(fuseGroups(models, options(8))).toHaveLength(5); // cannot split below one head
    expect(fuseGroups(models, options(1))).toHaveLength(1);
  });
});
