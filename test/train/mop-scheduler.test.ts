import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { planEpoch } from '../../src/train/mop/plan.js';
import { MopScheduler, type MopUnit } from '../../src/train/mop/scheduler.js';

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
