import type { Rng } from '../../core/random.js';

/** One MOP unit of work: a fused group trains on one shard. */
export interface MopUnit {
  group: number;
  shard: number;
}

/**
 * Cerebro's randomized scheduler (Nakandala et al., VLDB 2020, Alg. 2), for one epoch. Units are
 * (group, shard); whenever a worker is idle, the pending units are shuffled with the seeded RNG and
 * the worker gets the first whose shard it holds and whose group is not running elsewhere. So every
 * group visits every shard exactly once per epoch, a group is on at most one worker at a time (its
 * updates stay sequential SGD), and a worker runs one unit at a time. Pure: time is the caller's.
 */
export class MopScheduler {
  private readonly pending: MopUnit[] = [];
  private readonly runningGroups = new Set<number>();
  private readonly busyWorkers = new Set<number>();
  private readonly visitOrder: number[][];

  /** @param holdings the shards each worker holds (Cerebro: one shard per worker) */
  constructor(
    groups: number,
    private readonly holdings: readonly (readonly number[])[],
    private readonly rng: Rng,
  ) {
    const shards = new Set(holdings.flat());
    for (let group = 0; group < groups; group++)
      for (const shard of [...shards].sort((a, b) => a - b)) this.pending.push({ group, shard });
    this.visitOrder = Array.from({ length: groups }, () => []);
  }

  /** The layout layerlab uses: worker i holds shard i. */
  static onePerWorker(groups: number, shards: number, rng: Rng): MopScheduler {
    return new MopScheduler(
      groups,
      Array.from({ length: shards }, (_, s) => [s]),
      rng,
    );
  }

  get workers(): number {
    return this.holdings.length;
  }

  /** Picks the next unit for an idle worker, or undefined when none can run on it now. */
  next(worker: number): MopUnit | undefined {
    if (this.busyWorkers.has(worker)) throw new Error(`MOP: worker ${worker} is already running a unit`);
    const held = this.holdings[worker] ?? [];
    const candidates = this.rng.shuffle([...this.pending]);
    const unit = candidates.find((u) => held.includes(u.shard) && !this.runningGroups.has(u.group));
    if (!unit) return undefined;
    this.pending.splice(this.pending.indexOf(unit), 1);
    this.runningGroups.add(unit.group);
    this.busyWorkers.add(worker);
    this.visitOrder[unit.group]!.push(unit.shard);
    return unit;
  }

  complete(worker: number, unit: MopUnit): void {
    if (!this.busyWorkers.delete(worker) || !this.runningGroups.delete(unit.group)) {
      throw new Error(`MOP: worker ${worker} was not running group ${unit.group}`);
    }
  }

  get pendingUnits(): number {
    return this.pending.length;
  }

  get done(): boolean {
    return this.pending.length === 0 && this.busyWorkers.size === 0;
  }

  /** Each group's shards in the order it was given them. */
  visits(): number[][] {
    return this.visitOrder.map((order) => [...order]);
  }
}
