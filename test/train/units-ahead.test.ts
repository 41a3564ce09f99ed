import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { executePlan } from '../../src/train/mop/executor.js';
import { groupRun } from '../../src/train/mop/group-run.js';
import { planEpoch, type PlannedUnit } from '../../src/train/mop/plan.js';
import { copyState } from '../../src/train/heads/group-state.js';
import type { WorkerMessage } from '../../src/train/transport/messages.js';
import { UnitDispatcher } from '../../src/train/transport/unit-dispatcher.js';
import { WorkerThreadsTransport } from '../../src/train/transport/worker-threads-transport.js';
import { ShardRuntime } from '../../src/train/worker/shard-runtime.js';
import { sameBits } from './same-bits.js';
import { oneGroupUnits } from './one-group-units.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('units sent ahead: a worker holds its next unit while it runs one', () => {
  it('property: with one unit ahead, groups still run one unit at a time and visit shards in plan order', async () => {
    const rng = new Rng(11);
    let sentWhileRunning = 0;
    for (let trial = 0; trial < 40; trial++) {
      const groups = 1 + rng.int(9);
      const shards = 1 + rng.int(3);
      const costs = Array.from({ length: groups * shards }, () => 1 + rng.int(20));
      const plan = planEpoch(groups, shards, (u) => costs[u.group * shards + u.shard]!, rng);
      // each worker runs what it was sent one unit after the other, as a shard worker thread does
      const lanes = Array.from({ length: shards }, () => Promise.resolve());
      const sent = new Array<number>(shards).fill(0);
      const groupsSent = new Set<number>();
      const completed: number[][] = Array.from({ length: groups }, () => []);
      await executePlan(
        plan,
        shards,
        (unit: PlannedUnit, attempt: number) => {
          expect(groupsSent.has(unit.group), `group ${unit.group} sent twice at once`).toBe(false);
          groupsSent.add(unit.group);
          if (sent[unit.worker]! > 0) sentWhileRunning++;
          sent[unit.worker]!++;
          expect(sent[unit.worker]).toBeLessThanOrEqual(2);
          const ran = lanes[unit.worker]!.then(async () => {
            await tick(rng.int(3));
            sent[unit.worker]!--;
            groupsSent.delete(unit.group);
            if (attempt === 1 && rng.next() < 0.1) throw new Error('unit failed');
            completed[unit.group]!.push(unit.shard);
          });
          lanes[unit.worker] = ran.catch(() => undefined);
          return ran;
        },
        { ahead: 1, onRetry: async () => void (await tick(0)) },
      );
      for (let g = 0; g < groups; g++) expect(completed[g]).toEqual(plan.visits[g]);
    }
    // the option did something: workers were sent units while they ran one
    expect(sentWhileRunning).toBeGreaterThan(0);
  });

  it('refilled at one unit: a busy worker is sent its next units together, once it is down to one', async () => {
    // eight groups on one shard: every unit is ready, so only the options decide when each goes out
    const plan = planEpoch(8, 1, () => 1, new Rng(5));
    const heldWhenSent = async (refillAt?: number) => {
      let held = 0;
      const seen: number[] = [];
      await executePlan(
        plan,
        1,
        async () => {
          seen.push(held++);
          await tick(1);
          held--;
        },
        { ahead: 3, ...(refillAt === undefined ? {} : { refillAt }) },
      );
      return seen;
    };
    expect(await heldWhenSent(1)).toEqual([0, 1, 2, 3, 1, 2, 3, 1]);
    // without it, topped up one unit at a time
    expect(await heldWhenSent()).toEqual([0, 1, 2, 3, 3, 3, 3, 3]);
  });

  describe('worker threads', () => {
    const { inits, group, hyper, startOf, unitOf, remove } = oneGroupUnits(160);
    afterAll(remove);

    it('queues units sent to a busy thread, runs them in order and returns the in-process bits', async () => {
      const transport = await WorkerThreadsTransport.start(inits, () => {});
      const reference = ShardRuntime.open(inits[0]!);
      const dispatcher = new UnitDispatcher(transport);
      try {
        expect(transport.unitsAhead).toBe(1);
        const outcomes: number[] = [];
        const states = [startOf(1), startOf(2), startOf(3)];
        // three groups sent at once to worker 0: the second and third wait on the thread, not here
        const runs = states.map((s, id) =>
          dispatcher.run(unitOf(id, s)).then((o) => {
            outcomes.push(id);
            return o;
          }),
        );
        expect(transport.workers()[0]!.status).toBe('busy');
        const results = await Promise.all(runs);
        expect(outcomes).toEqual([0, 1, 2]);
        for (const [id, { result }] of results.entries()) {
          const local = await reference.train(
            1,
            group.batchSize,
            groupRun(group),
            copyState(states[id]!),
            hyper,
          );
          for (const name of Object.keys(local.state))
            expect(sameBits(result.state[name]!.data, local.state[name]!.data), `group ${id} ${name}`).toBe(
              true,
            );
        }
        expect(transport.workers()[0]!.status).toBe('ready');
      } finally {
        dispatcher.close();
        await reference.release();
        await transport.close();
      }
    });

    it('reports a unit queued behind one whose thread dies as lost too; both re-run after recovery', async () => {
      const transport = await WorkerThreadsTransport.start(inits, () => {});
      const dispatcher = new UnitDispatcher(transport);
      const lost: WorkerMessage[] = [];
      transport.listen((m) => {
        if (m.type === 'worker.lost') lost.push(m);
      });
      try {
        const dying = dispatcher.run(unitOf(0, startOf(1), { fault: 'exit' }));
        const queued = dispatcher.run(unitOf(1, startOf(2)));
        await expect(dying).rejects.toThrow(/exited with code 70/);
        await expect(queued).rejects.toThrow(/exited with code 70/);
        expect(lost.map((m) => (m.type === 'worker.lost' ? m.unit?.group : undefined))).toEqual([0, 1]);
        await transport.recover(0);
        const again = await Promise.all([
          dispatcher.run(unitOf(0, startOf(1), { attempt: 2 })),
          dispatcher.run(unitOf(1, startOf(2), { attempt: 2 })),
        ]);
        expect(again.map((o) => o.result.examples)).toEqual([
          inits[0]!.rows.train.length,
          inits[0]!.rows.train.length,
        ]);
      } finally {
        dispatcher.close();
        await transport.close();
      }
    });
  });
});
