import { enumerateModels, fuseGroups, type FusedGroup } from '../../src/train/mop/fused-groups.js';
import { splitForMakespan } from '../../src/train/mop/group-splits.js';
import type { HeadConfig } from '../../src/train/heads/head-config.js';
import { epochRng, planEpoch } from '../../src/train/mop/plan.js';
import { chunk } from '../../src/train/worker/sharding.js';
import { unitCost } from '../../src/train/mop/unit-cost.js';

export interface PredictedScaling {
  /** per epoch, the pieces per fused group with 2 workers */
  pieces: number[][];
  /** the 1-worker plan's makespan ÷ the 2-worker plan's, summed over the epochs (virtual time) */
  ratio: number;
  /** the same with the rule before makespan splits: cut only when there are fewer groups than workers */
  oldRuleRatio: number;
  /** the unsplit groups' busiest-shard load ÷ the chosen 2-worker plan's makespan */
  packing: number;
}

interface Job {
  featureSets: { key: string; layer: string }[];
  heads: HeadConfig[];
  dims: number;
  classes: number;
  trainRows: number;
  epochs: number;
  seed: number;
}

/**
 * What the planner itself predicts for a MOP job on 1 and on 2 workers, in the cost model's virtual
 * time: deterministic, so it separates the packing (what the split chooser controls) from the
 * machine's noise. Mirrors `MopTrainer.groupsOf` and `trainEpoch`'s plan.
 */
export function predictScaling(job: Job): PredictedScaling {
  const models = enumerateModels(job.featureSets, job.heads);
  const fusion = (workers: number) => ({
    workers,
    dims: () => job.dims,
    classes: job.classes,
    maxGroupBytes: Infinity,
  });
  const shardRows = (workers: number) =>
    chunk(new Int32Array(job.trainRows), workers).map((rows) => rows.length);
  const makespan = (groups: readonly FusedGroup[], rows: readonly number[], epoch: number) =>
    planEpoch(
      groups.length,
      rows.length,
      (u) => unitCost(groups[u.group]!, job.dims, job.classes, rows[u.shard]!),
      epochRng(job.seed, epoch),
    ).makespan;
  const whole = fuseGroups(models, fusion(1));
  let one = 0;
  let two = 0;
  let oldTwo = 0;
  let bound = 0;
  const pieces: number[][] = [];
  for (let epoch = 1; epoch <= job.epochs; epoch++) {
    one += makespan(whole, shardRows(1), epoch);
    const split = splitForMakespan(whole, {
      shardRows: shardRows(2),
      dims: () => job.dims,
      classes: job.classes,
      rng: () => epochRng(job.seed, epoch),
    });
    two += split.choice.makespan;
    bound += split.choice.lowerBound;
    pieces.push(split.choice.pieces);
    oldTwo += makespan(fuseGroups(models, fusion(2)), shardRows(2), epoch);
  }
  return { pieces, ratio: one / two, oldRuleRatio: one / oldTwo, packing: bound / two };
}
