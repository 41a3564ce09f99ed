import { describe, expect, it } from 'vitest';
import { isLayerlabError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { enumerateModels, fuseGroups } from '../../src/train/fused-groups.js';
import type { LinearHeadConfig } from '../../src/train/head-config.js';
import { executePlan } from '../../src/train/mop-executor.js';
import { planEpoch, type PlannedUnit } from '../../src/train/mop-plan.js';
import { MopScheduler, type MopUnit } from '../../src/train/mop-scheduler.js';

interface Interval extends MopUnit {
  worker: number;
  start: number;
  end: number;
}

/** Drives the scheduler like the real event loop would, with random unit durations. */
function simulate(groups: number, shards: number, rng: Rng): { intervals: Interval[]; visits: number[][] } {
  const scheduler = MopScheduler.onePerWorker(groups, shards, rng);
  const intervals: Interval[] = [];
  const running: Interval[] = [];
  const idle = new Set(Array.from({ length: shards }, (_, w) => w));
  let now = 0;
  while (!scheduler.done) {
    // idle workers ask in a random order, as completions arrive in no fixed order
    for (const worker of rng.shuffle([...idle])) {
      const unit = scheduler.next(worker);
      if (!unit) continue;
      const interval = { ...unit, worker, start: now, end: now + 1 + rng.next() * 10 };
      intervals.push(interval);
      running.push(interval);
      idle.delete(worker);
    }
    expect(running.length).toBeGreaterThan(0);
    running.sort((a, b) => a.end - b.end);
    const finished = running.shift()!;
    now = finished.end;
    scheduler.complete(finished.worker, finished);
    idle.add(finished.worker);
  }
  return { intervals, visits: scheduler.visits() };
}

const overlaps = (a: Interval, b: Interval) => a.start < b.end && b.start < a.end;

function expectValidEpoch(groups: number, shards: number, intervals: Interval[], visits: number[][]): void {
  expect(intervals).toHaveLength(groups * shards);
  const pairs = new Set(intervals.map((u) => `${u.group}/${u.shard}`));
  expect(pairs.size).toBe(groups * shards);
  for (const order of visits)
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: shards }, (_, s) => s));
  for (const u of intervals) expect(u.worker).toBe(u.shard);
  for (let i = 0; i < intervals.length; i++) {
    for (let j = i + 1; j < intervals.length; j++) {
      const [a, b] = [intervals[i]!, intervals[j]!];
      if (!overlaps(a, b)) continue;
      expect(a.group, 'two workers on one group').not.toBe(b.group);
      expect(a.worker, 'two units on one worker').not.toBe(b.worker);
    }
  }
}

describe("Cerebro's randomized MOP scheduler", () => {
  it('visits every (group, shard) once per epoch, one worker per group, one unit per worker', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 300; trial++) {
      const groups = 1 + rng.int(20);
      const shards = 1 + rng.int(4);
      const { intervals, visits } = simulate(groups, shards, rng);
      expectValidEpoch(groups, shards, intervals, visits);
      // visit order is the order the group's units started
      for (let g = 0; g < groups; g++) {
        const started = intervals.filter((u) => u.group === g).sort((a, b) => a.start - b.start);
        expect(started.map((u) => u.shard)).toEqual(visits[g]);
      }
    }
  });

  it('refuses a second unit for a busy worker and completions it did not hand out', () => {
    const scheduler = MopScheduler.onePerWorker(2, 2, new Rng(1));
    const unit = scheduler.next(0)!;
    expect(() => scheduler.next(0)).toThrow(/already running/);
    expect(() => scheduler.complete(1, unit)).toThrow(/was not running/);
  });

  it('plans epochs in virtual time with the same guarantees, deterministically from the seed', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 200; trial++) {
      const groups = 1 + rng.int(20);
      const shards = 1 + rng.int(4);
      const costs = Array.from({ length: groups * shards }, () => 1 + rng.int(50));
      const cost = (u: MopUnit) => costs[u.group * shards + u.shard]!;
      const seed = rng.nextUint32();
      const plan = planEpoch(groups, shards, cost, new Rng(seed));
      expect(planEpoch(groups, shards, cost, new Rng(seed))).toEqual(plan);
      // replay the plan's virtual clock to check it
      const end = new Map<number, number>();
      const freeAt = new Array<number>(shards).fill(0);
      const intervals = plan.units.map((u) => {
        const start = Math.max(freeAt[u.worker]!, u.after === undefined ? 0 : end.get(u.after)!);
        end.set(u.index, start + cost(u));
        freeAt[u.worker] = start + cost(u);
        return { ...u, start, end: start + cost(u) };
      });
      expectValidEpoch(groups, shards, intervals, plan.visits);
      for (const u of plan.units) {
        const previous = plan.units.filter((p) => p.group === u.group && p.index < u.index).at(-1);
        expect(u.after).toBe(previous?.index);
      }
    }
  });
});

describe('plan execution', () => {
  const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs units in each group’s planned order under random real durations', async () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 20; trial++) {
      const groups = 1 + rng.int(8);
      const shards = 1 + rng.int(4);
      const plan = planEpoch(groups, shards, () => 1, rng);
      const running = new Set<string>();
      const order: number[][] = Array.from({ length: groups }, () => []);
      await executePlan(plan, shards, async (unit: PlannedUnit) => {
        for (const key of [`g${unit.group}`, `w${unit.worker}`]) {
          expect(running.has(key)).toBe(false);
          running.add(key);
        }
        order[unit.group]!.push(unit.shard);
        await tick(rng.int(4));
        running.delete(`g${unit.group}`);
        running.delete(`w${unit.worker}`);
      });
      expect(order).toEqual(plan.visits);
    }
  });

  it('stops between units on abort and rejects with interrupted()', async () => {
    const plan = planEpoch(6, 2, () => 1, new Rng(3));
    const controller = new AbortController();
    let started = 0;
    const result = executePlan(
      plan,
      2,
      async () => {
        if (++started === 3) controller.abort();
        await tick(1);
      },
      controller.signal,
    );
    const error: unknown = await result.catch((e: unknown) => e);
    expect(isLayerlabError(error) && error.code).toBe('INTERRUPTED');
    expect(started).toBe(3); // the unit running beside the aborting one finishes; nothing new starts
  });

  it('lets running units finish, then rejects with the first failure', async () => {
    const plan = planEpoch(4, 2, () => 1, new Rng(3));
    let finished = 0;
    const error: unknown = await executePlan(plan, 2, async (unit) => {
      await tick(unit.worker === 0 ? 0 : 5);
      if (unit.worker === 0) throw new Error('boom');
      finished++;
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom');
    expect(finished).toBe(1);
  });
});

describe('fused groups', () => {
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

  it('fuses heads that share a feature set and batch size, with stable model ids', () => {
    const models = enumerateModels(sets, [head(0.1), head(0.2, 64), head(0.3)]);
    expect(models.map((m) => m.id)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    const groups = fuseGroups(models, 2);
    expect(groups.map((g) => g.models)).toEqual([['m0', 'm2'], ['m1'], ['m3', 'm5'], ['m4']]);
    expect(groups.map((g) => [g.featureSet, g.batchSize])).toEqual([
      ['a', 32],
      ['a', 64],
      ['b', 32],
      ['b', 64],
    ]);
  });

  it('splits groups when there are fewer groups than workers, so no worker idles', () => {
    const models = enumerateModels(sets.slice(0, 1), [head(0.1), head(0.2), head(0.3), head(0.4), head(0.5)]);
    const groups = fuseGroups(models, 3);
    expect(groups.map((g) => g.models)).toEqual([['m0', 'm1'], ['m2'], ['m3', 'm4']]);
    expect(groups.flatMap((g) => g.members)).toEqual([0, 1, 2, 3, 4]);
    // every worker starts a unit at time 0
    const plan = planEpoch(groups.length, 3, () => 1, new Rng(1));
    expect(new Set(plan.units.slice(0, 3).map((u) => u.worker)).size).toBe(3);
    expect(plan.units.slice(0, 3).every((u) => u.after === undefined)).toBe(true);

    expect(fuseGroups(models, 8)).toHaveLength(5); // cannot split below one head
    expect(fuseGroups(models, 1)).toHaveLength(1);
  });
});
