import { Rng } from '../../src/core/random.js';
import { REFILL_AT, UNITS_AHEAD } from '../../src/cluster/train-jobs.js';
import { executePlan } from '../../src/train/mop/executor.js';
import { planEpoch } from '../../src/train/mop/plan.js';
import { modelledHosts } from './modelled-hosts.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How many units the BullMQ transport sends per job on an epoch of `groups` groups over `workers`
 * workers: layerlab's own executor runs the plan with the transport's options (units ahead, refilled
 * at one, chained) against workers that behave as hosts do (`modelledHosts`), each unit taking 2–4 ms
 * of real time. The units one executor pass sends to a worker are one job, as the transport gathers
 * them.
 */
export async function unitsPerJob(groups: number, workers: number, seed = 1): Promise<number> {
  const rng = new Rng(seed);
  const costs = Array.from({ length: groups * workers }, () => 2 + rng.int(3));
  const cost = (u: { group: number; shard: number }) => costs[u.group * workers + u.shard]!;
  const plan = planEpoch(groups, workers, cost, rng);
  const hosts = modelledHosts(workers, (unit) => tick(cost(unit)).then(() => undefined));
  await executePlan(plan, workers, hosts.run, { ahead: UNITS_AHEAD, refillAt: REFILL_AT, chain: true });
  const { units, jobs } = hosts.counts();
  return units / jobs;
}
