import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enumerateModels, fuseGroups, type FusedGroup } from '../../src/train/mop/fused-groups.js';
import { groupHyper } from '../../src/train/heads/group-hyper.js';
import { groupRun } from '../../src/train/mop/group-run.js';
import { copyState, type GroupState, type HyperValues } from '../../src/train/heads/group-state.js';
import { headArch } from '../../src/train/heads/head-arch.js';
import type { HeadConfig } from '../../src/train/heads/head-config.js';
import { initialModelState, packStack } from '../../src/train/heads/head-state.js';
import { prepareRun, type PreparedRun } from '../../src/train/mop/prepare-run.js';
import { ShardRuntime } from '../../src/train/worker/shard-runtime.js';
import { shardInits } from '../../src/train/mop/train.js';
import type { UnitDispatch, UnitRef, WorkerMessage } from '../../src/train/transport/messages.js';
import type { Transport } from '../../src/train/transport/transport.js';
import { UnitDispatcher } from '../../src/train/transport/unit-dispatcher.js';
import type { ShardInit } from '../../src/train/worker/worker-protocol.js';
import { sameBits } from './same-bits.js';
import { createSyntheticStore, type SyntheticStore } from './synthetic-store.js';

/** How a transport under test is started: one worker per init, worker i holding shard i. */
export interface TransportHarness {
  start(inits: readonly ShardInit[]): Promise<Transport>;
}

const heads: HeadConfig[] = [
  { type: 'linear', lr: 0.1, l2: 1e-4, batchSize: 8, momentum: 0.9, optimizer: 'sgd' },
  { type: 'mlp', hidden: [8], lr: 0.01, l2: 0, batchSize: 8, momentum: 0, optimizer: 'adam', dropout: 0.2 },
];

function sameState(a: GroupState, b: GroupState): boolean {
  const names = Object.keys(a).sort();
  if (names.join() !== Object.keys(b).sort().join()) return false;
  return names.every((n) => a[n]!.dims.join() === b[n]!.dims.join() && sameBits(a[n]!.data, b[n]!.data));
}

/**
 * The behaviour every MOP transport must have (worker threads, BullMQ across hosts): units reach
 * their worker and come back with their outcome, group state survives the round trip bit for bit,
 * a lost worker is reported with its unit and recovers, and a unit delivered twice counts once.
 */
export function transportContract(name: string, harness: TransportHarness): void {
  describe(`transport contract: ${name}`, () => {
    let store: SyntheticStore;
    let prepared: PreparedRun;
    let inits: ShardInit[];
    let transport: Transport;
    let group: FusedGroup;
    let start: GroupState;
    let hyper: HyperValues;
    let reference: ShardRuntime[];
    const heard: WorkerMessage[] = [];

    beforeAll(async () => {
      store = createSyntheticStore({ records: 160 });
      const job = { storeDir: store.dir, featureSets: store.featureSets.slice(0, 1), workers: 2, seed: 3 };
      prepared = prepareRun(job);
      inits = shardInits(job, prepared);
      const models = enumerateModels(job.featureSets, heads);
      const dims = prepared.featureSets[0]!.dims;
      [group] = fuseGroups(models, {
        workers: 1,
        dims: () => dims,
        classes: prepared.classes,
        maxGroupBytes: Infinity,
      }) as [FusedGroup];
      start = {};
      group.stacks.forEach((stack, i) =>
        packStack(
          i,
          stack.models.map((id) =>
            initialModelState(headArch(models.find((m) => m.id === id)!.head), dims, prepared.classes, 3, id),
          ),
          start,
        ),
      );
      hyper = groupHyper(group, (_, h) => h.lr, prepared.balancedWeights);
      reference = inits.map((init) => ShardRuntime.open(init));
      transport = await harness.start(inits);
      transport.listen((m) => heard.push(m));
    });
    afterAll(async () => {
      await transport?.close();
      await Promise.all(reference?.map((r) => r.release()) ?? []);
      if (store) rmSync(dirname(store.dir), { recursive: true, force: true });
    });

    const unitOn = (
      shard: number,
      version: number,
      state: GroupState,
      extra: Partial<Pick<UnitDispatch, 'attempt' | 'fault'>> = {},
    ): UnitDispatch => ({
      type: 'unit.dispatch',
      worker: shard,
      unit: { epoch: 1, group: group.id, shard, version },
      attempt: 1,
      batchSize: group.batchSize,
      group: groupRun(group),
      state: copyState(state),
      hyper,
      ...extra,
    });
    /** the same unit run in this thread, from the same state: the bits a transport must return */
    const expected = async (shard: number, state: GroupState, epoch = 1) =>
      (await reference[shard]!.train(epoch, group.batchSize, groupRun(group), copyState(state), hyper)).state;
    const nextMessage = (match: (m: WorkerMessage) => boolean) =>
      new Promise<WorkerMessage>((resolve) => {
        const stop = transport.listen((m) => {
          if (match(m)) {
            stop();
            resolve(m);
          }
        });
      });
    const sameUnit = (a: UnitRef | undefined, b: UnitRef) =>
      !!a && a.epoch === b.epoch && a.group === b.group && a.shard === b.shard && a.version === b.version;

    it('has one ready worker per shard', () => {
      expect(transport.size).toBe(inits.length);
      expect(transport.workers().map((w) => [w.worker, w.shard, w.status])).toEqual([
        [0, 0, 'ready'],
        [1, 1, 'ready'],
      ]);
    });

    it('dispatches a unit to its worker and hears it busy, then the outcome of the shard it holds', async () => {
      const dispatcher = new UnitDispatcher(transport);
      try {
        const message = unitOn(1, 0, start);
        const from = heard.length;
        const outcome = await dispatcher.run(message);
        expect(outcome.worker).toBe(1);
        expect(outcome.result.examples).toBe(inits[1]!.rows.train.length);
        expect(outcome.result.steps).toBe(Math.ceil(inits[1]!.rows.train.length / group.batchSize));
        expect(outcome.result.lossSum).toHaveLength(group.models.length);
        const seen = heard.slice(from).filter((m) => 'unit' in m && sameUnit(m.unit, message.unit));
        expect(seen.map((m) => m.type)).toEqual(['worker.busy', 'unit.outcome']);
        expect(transport.workers()[1]!.status).toBe('ready');
        expect(dispatcher.ignored).toBe(0);
      } finally {
        dispatcher.close();
      }
    });

    it('moves group state both ways: a group hopping shard 0 → 1 → 0 ends with the in-process bits', async () => {
      const dispatcher = new UnitDispatcher(transport);
      try {
        let state = start;
        let local = start;
        for (const [version, shard] of [0, 1, 0].entries()) {
          state = (await dispatcher.run(unitOn(shard, version, state))).result.state;
          local = await expected(shard, local);
          expect(sameState(state, local), `after visit ${version} (shard ${shard})`).toBe(true);
        }
        expect(sameState(state, start)).toBe(false);
      } finally {
        dispatcher.close();
      }
    });

    it('evaluates every group on every worker, each on its own part of the split', async () => {
      const replies = await transport.evaluate({
        type: 'evaluate',
        split: 'val',
        groups: [{ ...groupRun(group), state: copyState(start) }],
      });
      expect(replies.map((r) => r[0]!.count)).toEqual(inits.map((i) => i.rows.val.length));
    });

    it('reports a unit that throws as failed (its worker stays ready) and runs the next one', async () => {
      const dispatcher = new UnitDispatcher(transport);
      try {
        await expect(dispatcher.run(unitOn(0, 0, start, { fault: 'throw' }))).rejects.toThrow(
          /injected fault/,
        );
        expect(transport.workers()[0]!.status).toBe('ready');
        const { result } = await dispatcher.run(unitOn(0, 0, start, { attempt: 2 }));
        expect(sameState(result.state, await expected(0, start))).toBe(true);
      } finally {
        dispatcher.close();
      }
    });

    it('reports a worker lost mid-unit with that unit; after recovery the re-run gives the undisturbed bits', async () => {
      const dispatcher = new UnitDispatcher(transport);
      try {
        const message = unitOn(1, 0, start, { fault: 'exit' });
        const lost = nextMessage((m) => m.type === 'worker.lost');
        await expect(dispatcher.run(message)).rejects.toThrow();
        const report = await lost;
        expect(report).toMatchObject({ type: 'worker.lost', worker: 1 });
        expect(report.type === 'worker.lost' && sameUnit(report.unit, message.unit)).toBe(true);
        expect(transport.workers()[1]!.status).toBe('lost');
        const ready = nextMessage((m) => m.type === 'worker.ready' && m.worker === 1);
        await transport.recover(1);
        await ready;
        expect(transport.workers()[1]!.status).toBe('ready');
        // re-run from the group's last checkpoint (here: the state before the unit)
        const { result } = await dispatcher.run(unitOn(1, 0, start, { attempt: 2 }));
        expect(sameState(result.state, await expected(1, start))).toBe(true);
      } finally {
        dispatcher.close();
      }
    });

    describe('chained units (transports that chain them)', () => {
      // each test its own epoch: no unit here has run before, so none has handed a state over yet
      const firstOf = (epoch: number, extra: Partial<Pick<UnitDispatch, 'fault'>> = {}): UnitDispatch => {
        const message = unitOn(0, 0, start, extra);
        return { ...message, unit: { ...message.unit, epoch } };
      };
      const after = (unit: UnitDispatch, shard: number): UnitDispatch => {
        const { type, worker, attempt, batchSize, group: run } = unitOn(shard, 0, start);
        const { epoch, group: id, version } = unit.unit;
        const next = { epoch, group: id, shard, version: version + 1 };
        return { type, worker, unit: next, attempt, batchSize, group: run, hyper, after: unit.unit };
      };

      it('starts a unit sent before the one it follows ends from the state handed over: the in-process bits', async (context) => {
        if (!transport.chainsUnits) return context.skip();
        const dispatcher = new UnitDispatcher(transport);
        try {
          const first = firstOf(11);
          const second = after(first, 1);
          // both sent at once: the second waits on its worker for the first's new state
          const [a, b] = await Promise.all([dispatcher.run(first), dispatcher.run(second)]);
          const local = await expected(0, start, 11);
          expect(sameState(a.result.state, local)).toBe(true);
          expect(sameState(b.result.state, await expected(1, local, 11))).toBe(true);
          expect(dispatcher.ignored).toBe(0);
        } finally {
          dispatcher.close();
        }
      });

      it('sends a chained unit again when its wait runs out, rather than failing it', async (context) => {
        if (!transport.chainsUnits) return context.skip();
        const dispatcher = new UnitDispatcher(transport);
        try {
          const first = firstOf(12);
          const chained = after(first, 1);
          const from = heard.length;
          const second = dispatcher.run(chained);
          // the unit it follows comes well after its worker's wait ran out
          await new Promise((resolve) => setTimeout(resolve, 3000));
          const a = await dispatcher.run(first);
          const b = await second;
          expect(sameState(b.result.state, await expected(1, a.result.state, 12))).toBe(true);
          const failed = heard.slice(from).filter((m) => m.type === 'unit.failed');
          expect(failed.filter((m) => 'unit' in m && sameUnit(m.unit, chained.unit))).toEqual([]);
        } finally {
          dispatcher.close();
        }
      });

      it('withdraws a unit chained on one given up: it fails as interrupted and its worker is free', async (context) => {
        if (!transport.chainsUnits) return context.skip();
        const dispatcher = new UnitDispatcher(transport);
        try {
          const first = firstOf(13, { fault: 'throw' });
          const second = dispatcher.run(after(first, 1));
          await expect(dispatcher.run(first)).rejects.toThrow(/injected fault/);
          transport.withdraw!(first.unit);
          await expect(second).rejects.toMatchObject({ code: 'INTERRUPTED' });
          // the worker it was sent to runs the next unit at once
          const { result } = await dispatcher.run(unitOn(1, 0, start, { attempt: 2 }));
          expect(sameState(result.state, await expected(1, start))).toBe(true);
        } finally {
          dispatcher.close();
        }
      });

      it('runs the retry of a unit sent after a unit chained on a unit that waits on it (no cycle)', async (context) => {
        if (!transport.chainsUnits) return context.skip();
        const dispatcher = new UnitDispatcher(transport);
        try {
          // one group: p on shard 0 fails its first try, s follows it on shard 1
          const p = firstOf(14, { fault: 'throw' });
          const s = after(p, 1);
          // another: r on shard 1 starts from its state, q follows it on shard 0
          const r = { ...unitOn(1, 0, start), unit: { epoch: 15, group: group.id, shard: 1, version: 0 } };
          const q = after(r, 0);
          const failed = dispatcher.run(p);
          const outcomes = [s, r, q].map((m) => dispatcher.run(m));
          await expect(failed).rejects.toThrow(/injected fault/);
          // p's retry comes to worker 0 after q, which waits for r's state; r came to worker 1 after
          // s, which waits for p's: a worker that queued units in the order sent would wait forever
          const retried = await dispatcher.run({ ...firstOf(14), attempt: 2 });
          const [sDone, rDone, qDone] = await Promise.all(outcomes);
          const pState = await expected(0, start, 14);
          const rState = await expected(1, start, 15);
          expect(sameState(retried.result.state, pState)).toBe(true);
          expect(sameState(sDone!.result.state, await expected(1, pState, 14))).toBe(true);
          expect(sameState(rDone!.result.state, rState)).toBe(true);
          expect(sameState(qDone!.result.state, await expected(0, rState, 15))).toBe(true);
          expect(dispatcher.ignored).toBe(0);
        } finally {
          dispatcher.close();
        }
      });
    });

    it('runs units sent to one worker together (one pass) each as its own, with the in-process bits', async () => {
      const dispatcher = new UnitDispatcher(transport);
      try {
        // three groups' units (epochs 16–18), all to worker 0 in the same tick
        const units = [16, 17, 18].map((epoch) => {
          const message = unitOn(0, 0, start);
          return { ...message, unit: { ...message.unit, epoch } };
        });
        const outcomes = await Promise.all(units.map((m) => dispatcher.run(m)));
        for (const [k, outcome] of outcomes.entries())
          expect(sameState(outcome.result.state, await expected(0, start, 16 + k))).toBe(true);
        expect(dispatcher.ignored).toBe(0);
      } finally {
        dispatcher.close();
      }
    });

    it('accepts a unit reported twice once, against the group state version', async () => {
      const dispatcher = new UnitDispatcher(transport);
      try {
        const first = await dispatcher.run(unitOn(0, 0, start));
        // the same unit delivered again (a lapsed lock): its report must not count
        const again = nextMessage(
          (m) => m.type === 'unit.outcome' && sameUnit(m.unit, unitOn(0, 0, start).unit),
        );
        transport.dispatch(unitOn(0, 0, start));
        // ...and the next version is awaited on the same worker while the duplicate is still queued
        const next = dispatcher.run(unitOn(0, 1, first.result.state));
        const duplicate = await again;
        const second = await next;
        expect(dispatcher.ignored).toBe(1);
        // units are idempotent: the duplicate computed the same bits, and was still not applied
        expect(
          duplicate.type === 'unit.outcome' && sameState(duplicate.result.state, first.result.state),
        ).toBe(true);
        expect(sameState(second.result.state, await expected(0, first.result.state))).toBe(true);
        expect(sameState(second.result.state, first.result.state)).toBe(false);
      } finally {
        dispatcher.close();
      }
    });
  });
}
