import {
  DEFAULT_MAX_GROUP_BYTES,
  fuseGroups,
  type FusedGroup,
  type ModelSpec,
} from '../../src/train/mop/fused-groups.js';
import { splitForMakespan } from '../../src/train/mop/group-splits.js';
import { resolveHead } from '../../src/train/heads/head-config.js';
import { epochRng, planEpoch } from '../../src/train/mop/plan.js';
import { unitCost } from '../../src/train/mop/unit-cost.js';
import { computeSeconds, transportSeconds, type ClusterInputs } from './cluster-model.js';
import { simulatePlan } from './virtual-clock.js';

/** A workload: `layers` feature sets × `headsPerLayer` logistic-regression heads (a small grid of lr × l2). */
export interface Workload {
  layers: number;
  headsPerLayer: number;
}

export function workloadModels(workload: Workload, batchSize: number): ModelSpec[] {
  return Array.from({ length: workload.layers * workload.headsPerLayer }, (_, index) => {
    const layer = Math.floor(index / workload.headsPerLayer);
    const k = index % workload.headsPerLayer;
    return {
      index,
      id: `m${index}`,
      featureSet: `layer${layer}`,
      layer: `layer${layer}`,
      head: resolveHead({
        type: 'linear',
        lr: [0.1, 0.03, 0.01, 0.003][k % 4]!,
        l2: [0, 1e-4, 1e-3, 1e-2][Math.floor(k / 4) % 4]!,
        batchSize,
        momentum: 0.9,
        optimizer: 'sgd',
      }),
    };
  });
}

/** Rows per shard: the records split evenly into one shard per worker (the hash rule's expectation). */
export const evenShards = (rows: number, shards: number): number[] =>
  Array.from({ length: shards }, (_, s) => Math.floor(rows / shards) + (s < rows % shards ? 1 : 0));

export const headsOf = (group: FusedGroup): number => group.models.length;

/** The models fused as layerlab's trainer fuses them before any split (one group per feature set here). */
export function fusedGroups(inputs: ClusterInputs, workload: Workload, workers = 1): FusedGroup[] {
  return fuseGroups(workloadModels(workload, inputs.batchSize), {
    workers,
    dims: () => inputs.dims,
    classes: inputs.classes,
    maxGroupBytes: DEFAULT_MAX_GROUP_BYTES,
  });
}

/** Planning an epoch shuffles the pending units for every pick: the work grows with units² (see plan.ts). */
export const planningWork = (groups: number, workers: number): number => (groups * workers) ** 2;

export interface MopEpoch {
  makespan: number;
  /** groups after the trainer's makespan-driven split */
  groups: number;
  units: number;
  /** the epoch on one worker with no transport, ÷ workers */
  ideal: number;
}

/**
 * One MOP epoch on `workers` workers (one shard each), through layerlab's own code: the trainer's
 * fusion (`fuseGroups`) and makespan-driven split (`splitForMakespan`), the seeded randomized plan
 * (`planEpoch`, with the product's unit-cost estimates) and the plan executor (`executePlan`, in
 * virtual time). Each unit really takes its measured compute plus its transport (`transportSeconds`),
 * whose Redis part queues on the one Redis. Returns undefined when planning would exceed `maxWork`.
 */
export async function simulateMopEpoch(
  inputs: ClusterInputs,
  workload: Workload,
  workers: number,
  options: { seed?: number; epoch?: number; maxWork?: number } = {},
): Promise<MopEpoch | undefined> {
  const { seed = 1, epoch = 1, maxWork = Infinity } = options;
  const shardRows = evenShards(inputs.rows, workers);
  const fused = fusedGroups(inputs, workload);
  const ideal = fused.reduce((n, g) => n + computeSeconds(inputs, headsOf(g), inputs.rows), 0) / workers;
  if (planningWork(fused.length, workers) > maxWork) return undefined;
  const { groups } = splitForMakespan(fused, {
    shardRows,
    dims: () => inputs.dims,
    classes: inputs.classes,
    rng: () => epochRng(seed, epoch),
  });
  if (planningWork(groups.length, workers) > maxWork) return undefined;
  const plan = planEpoch(
    groups.length,
    workers,
    ({ group, shard }) => unitCost(groups[group]!, inputs.dims, inputs.classes, shardRows[shard]!),
    epochRng(seed, epoch),
  );
  let redisFree = 0;
  const { makespan } = await simulatePlan(plan, workers, ({ group, shard }, now) => {
    const heads = headsOf(groups[group]!);
    const { serial, parallel } = transportSeconds(inputs, heads);
    const start = Math.max(now, redisFree);
    redisFree = start + serial;
    return redisFree - now + parallel + computeSeconds(inputs, heads, shardRows[shard]!);
  });
  return { makespan, groups: groups.length, units: plan.units.length, ideal };
}
