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

/**
 * About how much work planning an epoch is (calibrated on this machine within a few times): each pick
 * shuffles the pending units (up to groups × workers), and while groups are fewer than workers the
 * idle workers retry at every event.
 */
export const planningWork = (groups: number, workers: number): number =>
  (groups * workers) ** 2 * Math.max(1, (workers / groups) ** 2);

/**
 * The planning the trainer's split search may do: with fewer groups than workers it plans a candidate
 * per extra piece (up to split-chooser's 48), else about the unsplit plan and one more.
 */
export function splitSearchWork(fusedGroups: number, heads: number, workers: number): number {
  const plans = fusedGroups < workers ? Math.min(49, heads - fusedGroups + 1) : 2;
  return plans * planningWork(fusedGroups, workers);
}

/** The epoch with no transport and perfect scaling: every fused group's compute over all rows on one worker, ÷ workers. */
export const idealEpoch = (inputs: ClusterInputs, workload: Workload, workers: number): number =>
  fusedGroups(inputs, workload).reduce((n, g) => n + computeSeconds(inputs, headsOf(g), inputs.rows), 0) /
  workers;

export interface MopEpoch {
  makespan: number;
  /** the same plan executed under each of `options.also`'s costs (what-ifs; planning is the dear part) */
  also: number[];
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
  options: { seed?: number; epoch?: number; maxWork?: number; also?: readonly ClusterInputs[] } = {},
): Promise<MopEpoch | undefined> {
  const { seed = 1, epoch = 1, maxWork = Infinity, also = [] } = options;
  const shardRows = evenShards(inputs.rows, workers);
  const fused = fusedGroups(inputs, workload);
  const ideal = idealEpoch(inputs, workload, workers);
  const heads = fused.reduce((n, g) => n + headsOf(g), 0);
  if (splitSearchWork(fused.length, heads, workers) > maxWork) return undefined;
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
  const execute = async (costs: ClusterInputs) => {
    let redisFree = 0;
    const { makespan } = await simulatePlan(plan, workers, ({ group, shard }, now) => {
      const heads = headsOf(groups[group]!);
      const { serial, parallel } = transportSeconds(costs, heads);
      const start = Math.max(now, redisFree);
      redisFree = start + serial;
      return redisFree - now + parallel + computeSeconds(costs, heads, shardRows[shard]!);
    });
    return makespan;
  };
  const makespan = await execute(inputs);
  const others: number[] = [];
  for (const costs of also) others.push(await execute(costs));
  return { makespan, also: others, groups: groups.length, units: plan.units.length, ideal };
}
