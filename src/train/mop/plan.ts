import { Rng } from '../../core/random.js';
import { MopScheduler, type MopUnit } from './scheduler.js';

export interface PlannedUnit extends MopUnit {
  /** position in dispatch order */
  index: number;
  worker: number;
  /** the index of this group's previous unit in the epoch, which must finish first */
  after: number | undefined;
}

export interface EpochPlan {
  units: PlannedUnit[];
  /** per group, its shards in visit order */
  visits: number[][];
  /** when the last unit ends, in the cost estimate's units */
  makespan: number;
}

/** The scheduler's random stream for one epoch: the plan, and any split chosen by simulating it, use it. */
export const epochRng = (seed: number, epoch: number): Rng => Rng.derive(seed, `mop:epoch:${epoch}`);

/**
 * Runs the randomized scheduler for one epoch in virtual time, with each unit taking `cost(unit)`
 * (an estimate of its compute), and returns the resulting assignment. Executing this plan, rather
 * than scheduling on real completion times, makes every group's visit order, and so every weight,
 * a function of the seed alone; real durations only add waiting where the estimate was off.
 */
export function planEpoch(
  groups: number,
  shards: number,
  cost: (unit: MopUnit) => number,
  rng: Rng,
): EpochPlan {
  const scheduler = MopScheduler.onePerWorker(groups, shards, rng);
  const units: PlannedUnit[] = [];
  const lastOfGroup = new Map<number, number>();
  const running: { unit: PlannedUnit; end: number }[] = [];
  const idle = new Set(Array.from({ length: shards }, (_, w) => w));
  let now = 0;
  for (;;) {
    for (const worker of [...idle].sort((a, b) => a - b)) {
      const unit = scheduler.next(worker);
      if (!unit) continue;
      const planned: PlannedUnit = {
        ...unit,
        index: units.length,
        worker,
        after: lastOfGroup.get(unit.group),
      };
      lastOfGroup.set(unit.group, planned.index);
      units.push(planned);
      running.push({ unit: planned, end: now + cost(unit) });
      idle.delete(worker);
    }
    if (scheduler.done) break;
    if (running.length === 0) throw new Error('MOP plan stalled with units pending');
    running.sort((a, b) => a.end - b.end || a.unit.index - b.unit.index);
    const finished = running.shift()!;
    now = finished.end;
    scheduler.complete(finished.unit.worker, finished.unit);
    idle.add(finished.unit.worker);
  }
  return { units, visits: scheduler.visits(), makespan: now };
}
