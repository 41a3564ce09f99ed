import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { enumerateModels, fuseGroups, type FusedGroup } from '../../src/train/mop/fused-groups.js';
import { groupRun } from '../../src/train/mop/group-run.js';
import { prepareRun } from '../../src/train/mop/prepare-run.js';
import { shardInits } from '../../src/train/mop/train.js';
import { groupHyper } from '../../src/train/heads/group-hyper.js';
import { copyState, type GroupState } from '../../src/train/heads/group-state.js';
import { headArch } from '../../src/train/heads/head-arch.js';
import { initialModelState, packStack } from '../../src/train/heads/head-state.js';
import type { UnitDispatch } from '../../src/train/transport/messages.js';
import { createSyntheticStore } from './synthetic-store.js';

/**
 * One fused group of one linear head over a synthetic store's first feature set, two shards: the
 * units that tests of a transport's queueing send to one worker, each from its own seeded start.
 */
export function oneGroupUnits(records: number) {
  const store = createSyntheticStore({ records });
  const job = { storeDir: store.dir, featureSets: store.featureSets.slice(0, 1), workers: 2, seed: 3 };
  const prepared = prepareRun(job);
  const head = { type: 'linear', lr: 0.1, l2: 1e-4, batchSize: 8, momentum: 0.9, optimizer: 'sgd' } as const;
  const models = enumerateModels(job.featureSets, [head]);
  const dims = prepared.featureSets[0]!.dims;
  const [group] = fuseGroups(models, {
    workers: 1,
    dims: () => dims,
    classes: prepared.classes,
    maxGroupBytes: Infinity,
  }) as [FusedGroup];
  const hyper = groupHyper(group, (_, h) => h.lr, prepared.balancedWeights);
  return {
    inits: shardInits(job, prepared),
    group,
    hyper,
    /** the group's start state drawn with `seed` */
    startOf: (seed: number): GroupState =>
      packStack(0, [initialModelState(headArch(models[0]!.head), dims, prepared.classes, seed, 'm0')]),
    /** a unit of the group, called group `id`, from `state`, to worker 0 */
    unitOf: (
      id: number,
      state: GroupState,
      extra: Partial<Pick<UnitDispatch, 'attempt' | 'fault'>> = {},
    ): UnitDispatch => ({
      type: 'unit.dispatch',
      worker: 0,
      unit: { epoch: 1, group: id, shard: 0, version: 0 },
      attempt: 1,
      batchSize: group.batchSize,
      group: groupRun(group),
      state: copyState(state),
      hyper,
      ...extra,
    }),
    remove: () => rmSync(dirname(store.dir), { recursive: true, force: true }),
  };
}
