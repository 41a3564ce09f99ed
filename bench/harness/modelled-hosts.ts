import { interrupted } from '../../src/core/errors.js';
import { settleOnce, type SettleOnce } from '../../src/core/settle-once.js';
import type { PlannedUnit } from '../../src/train/mop/plan.js';

/**
 * Workers as the BullMQ transport's hosts behave (`trainUnit`, `trainUnits`), for the plan executor
 * alone: each runs what it is sent one unit after the other, in the order sent; a unit sent before
 * its group's previous unit ended waits until that unit hands its state over, and only then takes
 * its place on the worker (so a retry of the unit it waits on is never queued behind it); it fails
 * as interrupted when that unit is given up. The units sent to a worker in one executor pass are one
 * job, whose units are taken up one after the other: each once the one before starts (or failed).
 * `body` is a unit's work on its worker; a unit hands its state over when it resolves.
 */
export function modelledHosts(
  workers: number,
  body: (unit: PlannedUnit, attempt: number) => Promise<void>,
): {
  run: (unit: PlannedUnit, attempt: number) => Promise<void>;
  /** the executor gave a unit up: what waits for its state fails as interrupted */
  giveUp: (unit: PlannedUnit) => void;
  /** whether a unit has handed its state over */
  ended: (index: number) => boolean;
  /** units sent so far, and the jobs they went in */
  counts: () => { units: number; jobs: number };
} {
  const lanes = Array.from({ length: workers }, () => Promise.resolve());
  // per worker, the last unit of the job being sent now: the next one is taken up once it starts
  const jobTail: (Promise<void> | undefined)[] = [];
  const handed = new Map<number, SettleOnce<void>>();
  const handOf = (index: number) => handed.get(index) ?? handed.set(index, settleOnce()).get(index)!;
  const ended = new Set<number>();
  let units = 0;
  let jobs = 0;
  const run = (unit: PlannedUnit, attempt: number) => {
    const { worker } = unit;
    units++;
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
    const ran = handedOver.then(() => {
      // its place: behind what the worker holds now
      const mine = lanes[worker]!.then(async () => {
        started();
        await body(unit, attempt);
        ended.add(unit.index);
        handOf(unit.index).resolve();
      });
      lanes[worker] = mine.catch(() => undefined);
      return mine;
    });
    return ran.finally(started);
  };
  return {
    run,
    giveUp: (unit) => handOf(unit.index).reject(interrupted()),
    ended: (index) => ended.has(index),
    counts: () => ({ units, jobs }),
  };
}
