import type { Rng } from '../../core/random.js';
import { planEpoch } from './plan.js';

/** How an epoch's fused groups may be cut into pieces, and what each piece would cost. */
export interface SplitProblem {
  /** per group, the most pieces it can be cut into (its number of heads) */
  maxPieces: readonly number[];
  /** one shard per worker */
  shards: number;
  /** group `group` cut into `pieces` pieces: per piece, per shard, the estimated cost of its unit */
  pieceCosts: (group: number, pieces: number) => readonly (readonly number[])[];
  /** a fresh copy of the epoch's scheduler stream, so each candidate is planned as it would run */
  rng: () => Rng;
}

export interface SplitChoice {
  /** per group, how many pieces it is cut into (1: kept whole) */
  pieces: number[];
  /** the chosen split's planned epoch length, in cost units */
  makespan: number;
  /**
   * no split of these groups can end sooner: a worker runs every unit of its shard, so the epoch
   * lasts at least the unsplit groups' cost on the busiest shard (their total ÷ workers when shards
   * are even)
   */
  lowerBound: number;
  /** the makespan of the groups as they are, for comparison */
  unsplitMakespan: number;
}

/** A split must shorten the planned epoch by this fraction to be worth the fusion it gives up. */
const MIN_GAIN = 0.01;
/** Bounds the planning work per epoch; past a handful of extra pieces per worker nothing is gained. */
const MAX_CANDIDATES = 48;
/**
 * Bounds it for large runs too: planning n units shuffles the pending units for each, about n²/2
 * draws, so the candidates planned together stay under this many units squared (about a second).
 */
const MAX_PLANNING_WORK = 1e8;

const totalPieces = (pieces: readonly number[]) => pieces.reduce((a, b) => a + b, 0);

/**
 * Chooses how many pieces to cut each fused group into so that the MOP epoch, planned by Cerebro's
 * randomized scheduler in virtual time, ends soonest. A group runs on one worker at a time, so a few
 * groups on several workers leave workers idle (3 groups on 2 workers: 6 units cannot always fill 3
 * rounds); cutting groups gives the scheduler more to pack, but each piece pays the per-step and
 * per-unit overheads again (Nautilus, SIGMOD 2022: fusion is what amortises them).
 *
 * Candidates grow one piece at a time, always cutting the group whose longest piece is the longest
 * chain (the epoch can end no sooner than its W units back to back); each candidate is planned with
 * the epoch's own random stream and the shortest plan wins, fewer pieces on near ties. The search stops
 * once a candidate's busiest shard (whose load only grows with more pieces) outlasts the best plan.
 * Pure and deterministic: the same groups, costs and stream give the same split.
 */
export function chooseSplits(problem: SplitProblem): SplitChoice {
  const { maxPieces, shards } = problem;
  const evaluate = (pieces: readonly number[]) => {
    const costs = pieces.map((p, g) => problem.pieceCosts(g, p));
    const units = costs.flat();
    const shardLoad = Math.max(
      ...Array.from({ length: shards }, (_, s) => units.reduce((n, perShard) => n + perShard[s]!, 0)),
    );
    const plan = planEpoch(units.length, shards, ({ group, shard }) => units[group]![shard]!, problem.rng());
    const chain = costs.map((perPiece) => Math.max(...perPiece.map((c) => c.reduce((a, b) => a + b, 0))));
    return { makespan: plan.makespan, shardLoad, chain };
  };

  const pieces = maxPieces.map(() => 1);
  const unsplit = evaluate(pieces);
  const lowerBound = unsplit.shardLoad;
  let best = { pieces: [...pieces], makespan: unsplit.makespan };
  let current = unsplit;
  let work = (totalPieces(pieces) * shards) ** 2;
  for (let candidate = 0; candidate < MAX_CANDIDATES; candidate++) {
    if (best.makespan <= lowerBound * (1 + MIN_GAIN)) break;
    let longest = -1;
    pieces.forEach((p, g) => {
      if (p < maxPieces[g]! && (longest < 0 || current.chain[g]! > current.chain[longest]!)) longest = g;
    });
    if (longest < 0) break;
    pieces[longest] = pieces[longest]! + 1;
    work += (totalPieces(pieces) * shards) ** 2;
    if (work > MAX_PLANNING_WORK) break;
    current = evaluate(pieces);
    if (current.shardLoad >= best.makespan) break;
    if (current.makespan < best.makespan * (1 - MIN_GAIN))
      best = { pieces: [...pieces], makespan: current.makespan };
  }
  return { ...best, lowerBound, unsplitMakespan: unsplit.makespan };
}
