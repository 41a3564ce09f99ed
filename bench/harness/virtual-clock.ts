import type { EpochPlan, PlannedUnit } from '../../src/train/mop/plan.js';
import { executePlan } from '../../src/train/mop/executor.js';

/** One unit as the simulation ran it. */
export interface SimulatedUnit {
  unit: PlannedUnit;
  start: number;
  end: number;
}

/**
 * How long a unit takes when it starts at `now`, in seconds. Called once per unit, in start order,
 * so a model of a shared resource (the Redis every state passes through) can queue units on it.
 */
export type UnitDuration = (unit: PlannedUnit, now: number) => number;

/** A binary min-heap of pending completions, earliest first (ties: the one started first). */
class Completions {
  private readonly heap: { at: number; seq: number; done: () => void }[] = [];
  private seq = 0;

  push(at: number, done: () => void): void {
    const heap = this.heap;
    heap.push({ at, seq: this.seq++, done });
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): { at: number; done: () => void } | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top && last && heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.before(l, m)) m = l;
        if (r < heap.length && this.before(r, m)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}

/** Lets every promise callback that is ready run (the executor reacts to a completion in microtasks). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs layerlab's own plan executor (`executePlan`, the code a coordinator runs) in virtual time: each
 * unit's `run` completes `duration(unit, now)` seconds after it started, and the clock jumps from one
 * completion to the next. So the simulated epoch has exactly the executor's behaviour: a worker runs
 * its planned units, starting a later ready one when a group it waits for is late.
 */
export async function simulatePlan(
  plan: EpochPlan,
  workers: number,
  duration: UnitDuration,
): Promise<{ makespan: number; units: SimulatedUnit[] }> {
  const completions = new Completions();
  const units: SimulatedUnit[] = [];
  let now = 0;
  let finished = false;
  let failure: Error | undefined;
  executePlan(
    plan,
    workers,
    (unit) =>
      new Promise<void>((resolve) => {
        const end = now + duration(unit, now);
        units.push({ unit, start: now, end });
        completions.push(end, resolve);
      }),
  ).then(
    () => (finished = true),
    (error: unknown) => (failure = error instanceof Error ? error : new Error(String(error))),
  );
  for (;;) {
    await settle();
    if (failure) throw failure;
    if (finished) break;
    const next = completions.pop();
    if (!next) throw new Error('simulation stalled: units pending but none running');
    now = next.at;
    next.done();
  }
  return { makespan: units.reduce((m, u) => Math.max(m, u.end), 0), units };
}
