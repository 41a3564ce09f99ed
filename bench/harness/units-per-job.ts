import { Rng } from '../../src/core/random.js';
import { settleOnce, type SettleOnce } from '../../src/core/settle-once.js';
import { REFILL_AT, UNITS_AHEAD } from '../../src/cluster/train-jobs.js';
import { executePlan } from '../../src/train/mop/executor.js';
import { planEpoch, type PlannedUnit } from '../../src/train/mop/plan.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How many units the BullMQ transport sends per job on an epoch of `groups` groups over `workers`
 * workers: layerlab's own executor runs the plan with the transport's options (units ahead, refilled
 * at one, chained), against workers that behave as hosts do (a unit runs after those sent before it;
 * a chained one waits for the state its group's previous unit hands over, and the units of one job
 * are taken up one after the other, each once the one before starts), each unit taking 2–4 ms of
 * real time. The units one executor
 * pass sends to a worker are one job, as the transport gathers them.
 */
export async function unitsPerJob(groups: number, workers: number, seed = 1): Promise<number> {
  const rng = new Rng(seed);
  const costs = Array.from({ length: groups * workers }, () => 2 + rng.int(3));
  const cost = (u: { group: number; shard: number }) => costs[u.group * workers + u.shard]!;
  const plan = planEpoch(groups, workers, cost, rng);
  const lanes = Array.from({ length: workers }, () => Promise.resolve());
  const jobTail: (Promise<void> | undefined)[] = [];
  const handed = new Map<number, SettleOnce<void>>();
  const handOf = (i: number) => handed.get(i) ?? handed.set(i, settleOnce()).get(i)!;
  let jobs = 0;
  const run = (unit: PlannedUnit) => {
    const { worker } = unit;
    const before = jobTail[worker];
    if (!before) {
      jobs++;
      queueMicrotask(() => (jobTail[worker] = undefined));
    }
    const handedOver = (before ?? Promise.resolve()).then(() =>
      unit.after === undefined ? undefined : handOf(unit.after).promise,
    );
    let started!: () => void;
    jobTail[worker] = new Promise<void>((resolve) => (started = resolve));
    return handedOver.then(() => {
      const ran = lanes[worker]!.then(async () => {
        started();
        await tick(cost(unit));
        handOf(unit.index).resolve();
      });
      lanes[worker] = ran;
      return ran;
    });
  };
  await executePlan(plan, workers, run, { ahead: UNITS_AHEAD, refillAt: REFILL_AT, chain: true });
  return plan.units.length / jobs;
}
