import { describe, expect, it } from 'vitest';
import { modelledHosts } from '../../bench/harness/modelled-hosts.js';
import { interrupted, isLayerlabError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { settleOnce, type SettleOnce } from '../../src/core/settle-once.js';
import { executePlan } from '../../src/train/mop/executor.js';
import { planEpoch, type PlannedUnit } from '../../src/train/mop/plan.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Workers as the BullMQ transport's hosts behave (`modelledHosts`), checking as they go that no
 * worker holds more than `ahead` units beyond the one it runs, and that no worker and no group runs
 * two units at once; a unit's first try fails at `failureRate`.
 */
function chainingWorkers(shards: number, rng: Rng, failureRate: number, ahead: number) {
  const running = new Set<string>();
  const completed: number[][] = [];
  let chained = 0;
  const inFlight = new Array<number>(shards).fill(0);
  const hosts = modelledHosts(shards, async (unit, attempt) => {
    for (const key of [`g${unit.group}`, `w${unit.worker}`]) {
      expect(running.has(key), `${key} runs two units at once`).toBe(false);
      running.add(key);
    }
    await tick(rng.int(3));
    running.delete(`g${unit.group}`);
    running.delete(`w${unit.worker}`);
    if (attempt === 1 && rng.next() < failureRate) throw new Error('unit failed');
    (completed[unit.group] ??= []).push(unit.shard);
  });
  const run = (unit: PlannedUnit, attempt: number) => {
    const { worker } = unit;
    // sent while its group's previous unit has not handed its state over
    if (unit.after !== undefined && !hosts.ended(unit.after)) chained++;
    inFlight[worker]!++;
    expect(inFlight[worker], `worker ${worker} holds too many units`).toBeLessThanOrEqual(ahead + 1);
    return hosts.run(unit, attempt).finally(() => inFlight[worker]!--);
  };
  return {
    run,
    giveUp: hosts.giveUp,
    completed,
    counts: () => {
      const { units, jobs } = hosts.counts();
      // units that went with others in a job
      return { chained, runs: units - jobs };
    },
  };
}

describe('chained units: sent before their group’s previous unit ends, they wait on their worker', () => {
  it.each([
    { ahead: 1, refillAt: undefined },
    { ahead: 3, refillAt: 1 },
  ])(
    'property: groups still visit their shards in plan order, one unit at a time, and no wait closes a cycle (ahead $ahead, refilled at $refillAt)',
    async ({ ahead, refillAt }) => {
      const rng = new Rng(17);
      let chained = 0;
      let runs = 0;
      for (let trial = 0; trial < 100; trial++) {
        const groups = 1 + rng.int(9);
        const shards = 1 + rng.int(4);
        const costs = Array.from({ length: groups * shards }, () => 1 + rng.int(20));
        const plan = planEpoch(groups, shards, (u) => costs[u.group * shards + u.shard]!, rng);
        const workers = chainingWorkers(shards, rng, 0.3, ahead);
        await executePlan(plan, shards, workers.run, {
          ahead,
          ...(refillAt === undefined ? {} : { refillAt }),
          chain: true,
          onGiveUp: workers.giveUp,
          onRetry: async () => void (await tick(0)),
        });
        for (let g = 0; g < groups; g++) expect(workers.completed[g]).toEqual(plan.visits[g]);
        chained += workers.counts().chained;
        runs += workers.counts().runs;
      }
      // the options did something: units waited on their worker for a state handed over, and
      // units went to a worker together
      expect(chained).toBeGreaterThan(0);
      expect(runs).toBeGreaterThan(0);
    },
  );

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
