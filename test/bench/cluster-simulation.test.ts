import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { planEpoch } from '../../src/train/mop/plan.js';
import {
  allreduceSeconds,
  computeSeconds,
  transportSeconds,
  type ClusterInputs,
} from '../../bench/harness/cluster-model.js';
import { simulateMopEpoch } from '../../bench/harness/mop-simulation.js';
import {
  dataParallelEpoch,
  lptMakespan,
  taskParallelEpoch,
} from '../../bench/harness/parallelism-baselines.js';
import { stateDirect, withProtocol } from '../../bench/harness/simulation-grid.js';
import { simulatePlan } from '../../bench/harness/virtual-clock.js';
import { unitsPerJob } from '../../bench/harness/units-per-job.js';
import { UNITS_AHEAD } from '../../src/cluster/train-jobs.js';

/** Round figures, so every makespan below can be worked out by hand. */
const inputs = (redisPerByte = 0, redisPerJob = 0): ClusterInputs => ({
  dims: 8,
  classes: 2,
  batchSize: 10,
  rows: 100,
  compute: { unitFixed: 1, stepFixed: 0.5, stepPerHead: 0.25 },
  state: { bytesPerHead: 100, weightBytesPerHead: 50 },
  dispatch: { roundTrip: 2, perStateByte: 0.01 },
  redis: { perJob: redisPerJob, perByte: redisPerByte },
  network: { bandwidth: 100, latency: 0.5 },
  memory: { bandwidth: 1000, latency: 0.1 },
});

describe('the virtual clock runs the real plan executor', () => {
  it('one worker runs every unit back to back: the makespan is their sum', async () => {
    const durations = [3, 5, 7];
    const plan = planEpoch(3, 1, () => 1, new Rng(1));
    const { makespan, units } = await simulatePlan(plan, 1, (unit) => durations[unit.group]!);
    expect(makespan).toBe(15);
    expect(units).toHaveLength(3);
  });

  it('one group over three shards is a chain: the sum of its units', async () => {
    const plan = planEpoch(1, 3, () => 1, new Rng(2));
    const { makespan } = await simulatePlan(plan, 3, (unit) => [2, 4, 6][unit.shard]!);
    expect(makespan).toBe(12);
  });

  it('G groups = W workers = S shards = 2 with equal units take S rounds', async () => {
    const plan = planEpoch(2, 2, () => 1, new Rng(3));
    const { makespan, units } = await simulatePlan(plan, 2, () => 10);
    expect(makespan).toBe(20);
    expect(units.map((u) => u.start).sort((a, b) => a - b)).toEqual([0, 0, 10, 10]);
  });

  it('a late unit delays its own worker, not the other, which runs ready units meanwhile', async () => {
    // 4 groups, 2 workers, the first unit of group 0 takes 100 instead of 1: its worker still has its
    // 3 other units to run after it (103); the other worker runs its units whose groups are free.
    const plan = planEpoch(4, 2, () => 1, new Rng(4));
    const slow = plan.units.find((u) => u.group === 0 && u.after === undefined)!;
    const { makespan, units } = await simulatePlan(plan, 2, (u) => (u.index === slow.index ? 100 : 1));
    expect(makespan).toBe(103);
    const other = units.filter((u) => u.unit.worker !== slow.worker);
    // only its unit of group 0 (which must follow the slow one) waits for it
    expect(other.filter((u) => u.start >= 100).map((u) => u.unit.group)).toEqual([0]);
  });
});

describe('the cluster cost model', () => {
  it('prices compute, transport and allreduce as documented', () => {
    const m = inputs(0.002, 0.5);
    expect(computeSeconds(m, 2, 50)).toBe(1 + 5 * (0.5 + 2 * 0.25));
    expect(computeSeconds(m, 2, 0)).toBe(0);
    // 200 bytes: Redis 0.5 + 2 × 200 × 0.002; the rest of the round trip and of 0.01/byte both ways;
    // the network 2 × (0.5 + 200/100)
    const t = transportSeconds(m, 2);
    expect(t.serial).toBeCloseTo(1.3);
    expect(t.parallel).toBeCloseTo(1.5 + 2 * 200 * 0.008 + 2 * (0.5 + 2));
    // 2 hosts × 2 workers: a ring of 2 in memory, then a ring of 2 over the network
    expect(allreduceSeconds(m, 100, 2, 2)).toBeCloseTo(100 / 1000 + 0.2 + 100 / 100 + 1);
    expect(allreduceSeconds(m, 100, 1, 1)).toBe(0);
  });
});

describe('a MOP epoch through the trainer, planner and executor', () => {
  const one = (m: ClusterInputs) => {
    const { serial, parallel } = transportSeconds(m, 1);
    return { serial, parallel };
  };

  it('1 host, 1 worker: the sum of the units, and the ideal is the compute alone', async () => {
    const m = inputs();
    const epoch = (await simulateMopEpoch(m, { layers: 3, headsPerLayer: 2 }, 1))!;
    const unit = computeSeconds(m, 2, 100) + transportSeconds(m, 2).parallel;
    expect(epoch.groups).toBe(3);
    expect(epoch.units).toBe(3);
    expect(epoch.makespan).toBeCloseTo(3 * unit);
    expect(epoch.ideal).toBeCloseTo(3 * computeSeconds(m, 2, 100));
  });

  it('2 groups = 2 workers = 2 shards with equal units: 2 rounds', async () => {
    const m = inputs();
    const epoch = (await simulateMopEpoch(m, { layers: 2, headsPerLayer: 1 }, 2))!;
    expect(epoch.units).toBe(4);
    expect(epoch.makespan).toBeCloseTo(2 * (computeSeconds(m, 1, 50) + one(m).parallel));
  });

  it('states queue on the one Redis', async () => {
    // round 1: the second unit waits for the first's state (s); round 2 starts when both groups are
    // free (2s + p + c), its first unit is at once, its second waits s: 4s + 2p + 2c
    const m = inputs(0.002, 0.25);
    const epoch = (await simulateMopEpoch(m, { layers: 2, headsPerLayer: 1 }, 2))!;
    const { serial: s, parallel: p } = one(m);
    expect(epoch.makespan).toBeCloseTo(4 * s + 2 * p + 2 * computeSeconds(m, 1, 50));
  });

  it('runs the same plan under what-if costs: state moving host to host skips Redis', async () => {
    const m = inputs(0.002, 0.25);
    const workload = { layers: 3, headsPerLayer: 2 };
    const epoch = (await simulateMopEpoch(m, workload, 2, { also: [stateDirect(m)] }))!;
    const direct = (await simulateMopEpoch(stateDirect(m), workload, 2))!;
    expect(epoch.also).toEqual([direct.makespan]);
    expect(direct.makespan).toBeLessThan(epoch.makespan);
    expect(transportSeconds(stateDirect(m), 1).serial).toBe(0.25);
  });

  it('models the state by reference: through the coordinator after the round trip, or dispatched ahead host to host', () => {
    // 1 head = 100 bytes; raw: 0.2 s a tiny key, 0.004 s a byte one pass, Redis 0.001 s of it
    const m = { ...inputs(0.002, 0.25), raw: { roundTrip: 0.2, perStateByte: 0.004, redisPerByte: 0.001 } };
    // both: Redis runs the job and 1.5 passes (host SET, coordinator GET, next host GET) = 0.25 + 0.15
    expect(transportSeconds(withProtocol(m, 'reference'), 1).serial).toBeCloseTo(0.4);
    expect(transportSeconds(withProtocol(m, 'ahead'), 1).serial).toBeCloseTo(0.4);
    // reference: the round trip less Redis's share (1.75) + 1.5 passes' rest (0.45) + 3 hops of 1.5
    expect(transportSeconds(withProtocol(m, 'reference'), 1).parallel).toBeCloseTo(6.7);
    // ahead: the round trip is hidden behind the previous unit; a notification (0.2) + 1 pass's rest
    // (0.3) + 2 hops of 1.5
    expect(transportSeconds(withProtocol(m, 'ahead'), 1).parallel).toBeCloseTo(3.5);
    // without measured raw figures the protocol falls back to the job's
    expect(transportSeconds(withProtocol(inputs(0.002, 0.25), 'ahead'), 1)).toEqual(transportSeconds(m, 1));
  });

  it('shares BullMQ’s work per job among the units one job carries; each unit’s reply still passes Redis', () => {
    const raw = { roundTrip: 0.2, perStateByte: 0.004, redisPerByte: 0.001, redisPerPass: 0.02 };
    const m = { ...inputs(0.002, 0.25), raw };
    // one unit a job: the job (0.25, its completion heard) + 1.5 passes (0.15)
    expect(transportSeconds(withProtocol(m, 'ahead'), 1).serial).toBeCloseTo(0.4);
    // 2.5 units a job: 0.25 ÷ 2.5 + a reply's pass (0.02) + 1.5 passes (0.15)
    expect(transportSeconds(withProtocol({ ...m, unitsPerJob: 2.5 }, 'ahead'), 1).serial).toBeCloseTo(0.27);
    // the network's part does not change
    expect(transportSeconds(withProtocol({ ...m, unitsPerJob: 2.5 }, 'ahead'), 1).parallel).toBeCloseTo(3.5);
  });

  it('counts the units a job carries by running the executor as the transport sends', async () => {
    // a single unit: a job of its own
    expect(await unitsPerJob(1, 1)).toBe(1);
    // four groups a worker: jobs of several units, at most an idle worker's first pass (1 + ahead)
    const perJob = await unitsPerJob(16, 4);
    expect(perJob).toBeGreaterThan(2);
    expect(perJob).toBeLessThanOrEqual(UNITS_AHEAD + 1);
  });

  it('declines a plan whose planning work is over the bound', async () => {
    expect(await simulateMopEpoch(inputs(), { layers: 8, headsPerLayer: 1 }, 4, { maxWork: 100 })).toBe(
      undefined,
    );
  });
});

describe('the baselines', () => {
  it('task parallelism: LPT over whole groups', () => {
    expect(lptMakespan([3, 3, 2, 2, 2], 2)).toBe(7);
    expect(lptMakespan([5], 3)).toBe(5);
    const m = inputs();
    const job = computeSeconds(m, 2, 100) + transportSeconds(m, 2).parallel;
    expect(taskParallelEpoch(m, { layers: 3, headsPerLayer: 2 }, 1)).toBeCloseTo(3 * job);
    // 3 groups of 2 heads on 6 workers: halved into 6 single heads, one each
    const single = computeSeconds(m, 1, 100) + transportSeconds(m, 1).parallel;
    expect(taskParallelEpoch(m, { layers: 3, headsPerLayer: 2 }, 6)).toBeCloseTo(single);
  });

  it('data parallelism: one worker is plain training; more add an allreduce per step', () => {
    const m = inputs();
    const w = { layers: 2, headsPerLayer: 2 };
    expect(dataParallelEpoch(m, w, 1, 1)).toBeCloseTo(2 * computeSeconds(m, 2, 100));
    // 2 hosts × 1 worker: 5 steps of 20 rows each, each + an allreduce of 2 × 50 bytes between 2 hosts
    const sync = allreduceSeconds(m, 100, 2, 1);
    expect(dataParallelEpoch(m, w, 2, 1)).toBeCloseTo(2 * (1 + 5 * (0.5 + 0.5 + sync)));
  });
});
