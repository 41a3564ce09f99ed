import { describe, expect, it } from 'vitest';
import { interrupted, isLayerlabError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { settleOnce, type SettleOnce } from '../../src/core/settle-once.js';
import { executePlan } from '../../src/train/mop/executor.js';
import { planEpoch, type PlannedUnit } from '../../src/train/mop/plan.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Workers as a chaining transport's hosts behave: each runs what it is sent one unit after the
 * other, in the order sent; a unit sent before its group's previous unit ended waits there until
 * that unit hands its state over, and only then takes its place on the worker (so a retry of the
 * unit it waits on is never queued behind it), and fails as interrupted when it is withdrawn.
 */
function chainingWorkers(shards: number, rng: Rng, failureRate: number) {
  const lanes = Array.from({ length: shards }, () => Promise.resolve());
  const handedOver = new Map<number, SettleOnce<void>>();
  const handOf = (index: number) => handedOver.get(index) ?? handedOver.set(index, settleOnce()).get(index)!;
  const running = new Set<string>();
  const completed: number[][] = [];
  const ended = new Set<number>();
  let chained = 0;
  let sentAtOnce = 0;
  const inFlight = new Array<number>(shards).fill(0);
  const run = (unit: PlannedUnit, attempt: number) => {
    const waitFor = unit.after === undefined ? undefined : handOf(unit.after);
    // sent while its group's previous unit has not handed its state over
    if (unit.after !== undefined && !ended.has(unit.after)) chained++;
    inFlight[unit.worker]!++;
    expect(inFlight[unit.worker], `worker ${unit.worker} holds more than two units`).toBeLessThanOrEqual(2);
    if (inFlight[unit.worker]! > 1) sentAtOnce++;
    const place = waitFor ? waitFor.promise.then(() => lanes[unit.worker]!) : lanes[unit.worker]!;
    const ran = place.then(async () => {
      for (const key of [`g${unit.group}`, `w${unit.worker}`]) {
        expect(running.has(key), `${key} runs two units at once`).toBe(false);
        running.add(key);
      }
      await tick(rng.int(3));
      running.delete(`g${unit.group}`);
      running.delete(`w${unit.worker}`);
      if (attempt === 1 && rng.next() < failureRate) throw new Error('unit failed');
      (completed[unit.group] ??= []).push(unit.shard);
      ended.add(unit.index);
      handOf(unit.index).resolve();
    });
    const settled = ran.finally(() => inFlight[unit.worker]!--);
    const queued = settled.catch(() => undefined);
    if (waitFor)
      void waitFor.promise.then(
        () => (lanes[unit.worker] = queued),
        () => undefined,
      );
    else lanes[unit.worker] = queued;
    return settled;
  };
  // the executor gave a unit up: what waits for its state fails as interrupted
  const giveUp = (unit: PlannedUnit) => handOf(unit.index).reject(interrupted());
  return {
    run,
    giveUp,
    completed,
    counts: () => ({ chained, sentAtOnce }),
  };
}

describe('chained units: sent before their group’s previous unit ends, they wait on their worker', () => {
  it('property: groups still visit their shards in plan order, one unit at a time, and no wait closes a cycle', async () => {
    const rng = new Rng(17);
    let chained = 0;
    for (let trial = 0; trial < 100; trial++) {
      const groups = 1 + rng.int(9);
      const shards = 1 + rng.int(4);
      const costs = Array.from({ length: groups * shards }, () => 1 + rng.int(20));
      const plan = planEpoch(groups, shards, (u) => costs[u.group * shards + u.shard]!, rng);
      const workers = chainingWorkers(shards, rng, 0.3);
      await executePlan(plan, shards, workers.run, {
        ahead: 1,
        chain: true,
        onGiveUp: workers.giveUp,
        onRetry: async () => void (await tick(0)),
      });
      for (let g = 0; g < groups; g++) expect(workers.completed[g]).toEqual(plan.visits[g]);
      chained += workers.counts().chained;
    }
    // the option did something: units waited on their worker for a state handed over
    expect(chained).toBeGreaterThan(0);
  });

  it('a unit given up fails the run, and the unit chained on it stops waiting (no hang)', async () => {
    // two groups on two workers: each worker's second unit is chained on the other worker's first
    const plan = planEpoch(2, 2, () => 1, new Rng(1));
    const givenUp: number[] = [];
    const handed = new Map<number, SettleOnce<void>>();
    const handOf = (i: number) => handed.get(i) ?? handed.set(i, settleOnce()).get(i)!;
    const error: unknown = await executePlan(
      plan,
      2,
      async (unit) => {
        if (unit.after !== undefined) {
          await handOf(unit.after).promise;
          return;
        }
        await tick(1);
        if (unit.worker === 0) throw new Error('boom');
        handOf(unit.index).resolve();
      },
      {
        maxAttempts: 2,
        chain: true,
        ahead: 1,
        onGiveUp: (unit) => {
          givenUp.push(unit.index);
          handOf(unit.index).reject(interrupted());
        },
      },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom');
    expect(isLayerlabError(error)).toBe(false);
    const failedFirst = plan.units.find((u) => u.worker === 0 && u.after === undefined)!;
    const chainedOnIt = plan.units.find((u) => u.after === failedFirst.index)!;
    expect(givenUp).toContain(failedFirst.index);
    expect(givenUp).toContain(chainedOnIt.index);
  });
});
