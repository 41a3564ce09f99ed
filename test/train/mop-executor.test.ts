import { describe, expect, it } from 'vitest';
import { isLayerlabError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { executePlan } from '../../src/train/mop/executor.js';
import { planEpoch, type EpochPlan, type PlannedUnit } from '../../src/train/mop/plan.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('plan execution (event-driven, with failures)', () => {
  it('property: random groups, shards, durations and failures keep every MOP invariant', async () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 60; trial++) {
      const groups = 1 + rng.int(10);
      const shards = 1 + rng.int(4);
      const costs = Array.from({ length: groups * shards }, () => 1 + rng.int(20));
      const plan = planEpoch(groups, shards, (u) => costs[u.group * shards + u.shard]!, rng);
      const maxAttempts = 3;
      const failureRate = rng.next() * 0.4;
      // a resumed epoch: some groups had finished a prefix of their visits before the crash
      const done = new Set<number>();
      if (rng.next() < 0.3)
        for (let g = 0; g < groups; g++)
          plan.units
            .filter((u) => u.group === g)
            .slice(0, rng.int(shards + 1))
            .forEach((u) => done.add(u.index));
      const running = new Set<string>();
      const completed: number[][] = Array.from({ length: groups }, () => []);
      const attempts = new Map<number, number>();
      const retried: number[] = [];
      await executePlan(
        plan,
        shards,
        async (unit: PlannedUnit, attempt: number) => {
          expect(unit.worker).toBe(unit.shard);
          expect(attempt).toBe((attempts.get(unit.index) ?? 0) + 1);
          attempts.set(unit.index, attempt);
          for (const key of [`g${unit.group}`, `w${unit.worker}`]) {
            expect(running.has(key), `${key} runs two units at once`).toBe(false);
            running.add(key);
          }
          await tick(rng.int(3));
          running.delete(`g${unit.group}`);
          running.delete(`w${unit.worker}`);
          if (attempt < maxAttempts && rng.next() < failureRate) throw new Error('worker died');
          completed[unit.group]!.push(unit.shard);
        },
        {
          maxAttempts,
          done,
          onRetry: async (unit) => {
            retried.push(unit.index);
            await tick(0);
          },
        },
      );
      for (let g = 0; g < groups; g++) {
        const skipped = plan.units.filter((u) => u.group === g && done.has(u.index)).map((u) => u.shard);
        // every group visits every shard exactly once, in the planned order
        expect([...skipped, ...completed[g]!]).toEqual(plan.visits[g]);
      }
      for (const index of retried) expect(attempts.get(index)).toBeGreaterThan(1);
      for (const index of done) expect(attempts.has(index)).toBe(false);
    }
  });

  it('runs a later ready unit rather than idle while its next planned unit waits on another worker', async () => {
    // worker 0: g0, then g1 (which waits for g1's unit on worker 1), then g2 (ready from the start)
    const unit = (index: number, group: number, shard: number, after?: number): PlannedUnit => ({
      index,
      group,
      shard,
      worker: shard,
      after,
    });
    const plan: EpochPlan = {
      units: [
        unit(0, 0, 0),
        unit(1, 1, 1),
        unit(2, 1, 0, 1),
        unit(3, 2, 0),
        unit(4, 0, 1, 0),
        unit(5, 2, 1, 3),
      ],
      visits: [
        [0, 1],
        [1, 0],
        [0, 1],
      ],
      makespan: 3,
    };
    const log: string[] = [];
    let startedG2!: () => void;
    const g2Started = new Promise<void>((resolve) => (startedG2 = resolve));
    await executePlan(plan, 2, async (u) => {
      log.push(`start ${u.index}`);
      if (u.index === 3) startedG2();
      // worker 1's first unit is slow: it ends once worker 0 has moved on (or after a while, if it never does)
      if (u.index === 1) await Promise.race([g2Started, tick(200)]);
      else await tick(0);
      log.push(`end ${u.index}`);
    });
    expect(log.indexOf('start 3')).toBeLessThan(log.indexOf('end 1'));
    // each group still visits its shards in the planned order
    for (const [a, b] of [
      [1, 2],
      [0, 4],
      [3, 5],
    ] as const)
      expect(log.indexOf(`end ${a}`)).toBeLessThan(log.indexOf(`start ${b}`));
  });

  it('gives up on a unit after maxAttempts, lets running units finish, rejects with its error', async () => {
    const plan = planEpoch(4, 2, () => 1, new Rng(3));
    let finished = 0;
    let tries = 0;
    const error: unknown = await executePlan(
      plan,
      2,
      async (unit) => {
        await tick(unit.worker === 0 ? 0 : 5);
        if (unit.worker === 0) {
          tries++;
          throw new Error('boom');
        }
        finished++;
      },
      { maxAttempts: 2 },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom');
    expect(tries).toBe(2);
    expect(finished).toBeGreaterThanOrEqual(1);
  });

  it('stops between units on abort and rejects with interrupted(), without retrying', async () => {
    const plan = planEpoch(6, 2, () => 1, new Rng(3));
    const controller = new AbortController();
    let started = 0;
    const error: unknown = await executePlan(
      plan,
      2,
      async () => {
        if (++started === 3) controller.abort();
        await tick(1);
      },
      { signal: controller.signal },
    ).catch((e: unknown) => e);
    expect(isLayerlabError(error) && error.code).toBe('INTERRUPTED');
    expect(started).toBe(3); // the unit running beside the aborting one finishes; nothing new starts
  });
});
