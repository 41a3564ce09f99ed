import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuseGroups, enumerateModels } from '../../src/train/mop/fused-groups.js';
import { groupHyper } from '../../src/train/heads/group-hyper.js';
import { groupRun } from '../../src/train/mop/group-run.js';
import { stateBuffers } from '../../src/train/heads/group-state.js';
import { headArch } from '../../src/train/heads/head-arch.js';
import { initialModelState, packStack } from '../../src/train/heads/head-state.js';
import { prepareRun } from '../../src/train/mop/prepare-run.js';
import { resolveJob } from '../../src/train/mop/resolve-job.js';
import { shardInits, threadWorkers } from '../../src/train/mop/train.js';
import { SpawnedWorkers, WorkerPool } from '../../src/train/worker/worker-pool.js';
import { createSyntheticStore } from './synthetic-store.js';

// `train --triage` starts the shard threads before it knows the shards; a pool built on them must train
// exactly as a pool started afterwards, and threads no run takes must end.
const store = createSyntheticStore({ records: 120 });
afterAll(() => rmSync(dirname(store.dir), { recursive: true, force: true }));
const head = { type: 'linear', lr: 0.1, l2: 0, batchSize: 8, momentum: 0, optimizer: 'sgd' } as const;
const job = { storeDir: store.dir, featureSets: store.featureSets.slice(0, 1), workers: 2, seed: 1 };

async function trainShard(pool: WorkerPool, prepared: ReturnType<typeof prepareRun>, shard: number) {
  const [model] = enumerateModels(job.featureSets, [head]);
  const [group] = fuseGroups([model!], {
    workers: job.workers,
    dims: () => prepared.featureSets[0]!.dims,
    classes: prepared.classes,
    maxGroupBytes: Infinity,
  });
  const state = packStack(0, [
    initialModelState(headArch(model!.head), prepared.featureSets[0]!.dims, prepared.classes, 1, 'm0'),
  ]);
  const hyper = groupHyper(group!, (_, h) => h.lr, prepared.balancedWeights);
  const body = { epoch: 1, batchSize: 8, group: groupRun(group!), state, hyper };
  const { result } = await pool.worker(shard).request('train', body, stateBuffers(state));
  return Array.from(result.state['s0/W0']!.data);
}

describe('shard workers spawned before their shards are known', () => {
  it('train exactly as workers started with their shards; extra threads are stopped', async () => {
    const prepared = prepareRun(job);
    const inits = shardInits(job, prepared);
    const spawned = await SpawnedWorkers.spawn(3);
    const early = await WorkerPool.start(inits, () => {}, spawned);
    const late = await WorkerPool.start(inits, () => {});
    try {
      expect(early.size).toBe(2);
      expect(spawned.workers[2]!.status).toBe('dead');
      for (const shard of [0, 1])
        expect(await trainShard(early, prepared, shard)).toEqual(await trainShard(late, prepared, shard));
      expect(() => spawned.take(() => {})).toThrow(/already taken/);
    } finally {
      await Promise.all([early.stop(), late.stop(), spawned.stop()]);
    }
    expect(spawned.workers.map((w) => w.status)).toEqual(['dead', 'dead', 'dead']);
  });

  it('fewer than the shards (`train` starts no more early than cores): the pool starts the rest', async () => {
    const prepared = prepareRun(job);
    const inits = shardInits(job, prepared);
    const spawned = await SpawnedWorkers.spawn(1);
    const early = await WorkerPool.start(inits, () => {}, spawned);
    const late = await WorkerPool.start(inits, () => {});
    try {
      expect(early.size).toBe(2);
      for (const shard of [0, 1])
        expect(await trainShard(early, prepared, shard)).toEqual(await trainShard(late, prepared, shard));
    } finally {
      await Promise.all([early.stop(), late.stop(), spawned.stop()]);
    }
  });

  it('fewer than the shards, through the standardizing start `train` uses', async () => {
    const spawned = await SpawnedWorkers.spawn(1);
    const { prepared, transport } = await threadWorkers(spawned)(
      resolveJob({ ...job, heads: [head], epochs: 1 }),
      () => {},
    );
    try {
      expect(transport.size).toBe(2);
      expect(prepared.featureSets[0]!.standardization).toEqual(
        prepareRun(job).featureSets[0]!.standardization,
      );
    } finally {
      await transport.close();
    }
  });

  it('end when no run takes them', async () => {
    const spawned = await SpawnedWorkers.spawn(2);
    await spawned.stop();
    expect(spawned.workers.map((w) => w.status)).toEqual(['dead', 'dead']);
  });
});
