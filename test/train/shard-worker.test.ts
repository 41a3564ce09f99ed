import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isLayerlabError } from '../../src/core/errors.js';
import { fuseGroups, enumerateModels } from '../../src/train/mop/fused-groups.js';
import { groupHyper } from '../../src/train/heads/group-hyper.js';
import { groupRun } from '../../src/train/mop/group-run.js';
import { stateBuffers } from '../../src/train/heads/group-state.js';
import { headArch } from '../../src/train/heads/head-arch.js';
import { initialModelState, packStack } from '../../src/train/heads/head-state.js';
import { prepareRun } from '../../src/train/mop/prepare-run.js';
import { shardInits } from '../../src/train/mop/train.js';
import { WorkerPool } from '../../src/train/worker/worker-pool.js';
import { workerScriptUrl } from '../../src/train/worker/worker-script.js';
import { createSyntheticStore } from './synthetic-store.js';

const store = createSyntheticStore({ records: 120 });
afterAll(() => rmSync(dirname(store.dir), { recursive: true, force: true }));
const head = { type: 'linear', lr: 0.1, l2: 0, batchSize: 8, momentum: 0, optimizer: 'sgd' } as const;
const job = { storeDir: store.dir, featureSets: store.featureSets.slice(0, 1), workers: 1, seed: 1 };

function unit(prepared: ReturnType<typeof prepareRun>) {
  const [model] = enumerateModels(job.featureSets, [head]);
  const [group] = fuseGroups([model!], {
    workers: 1,
    dims: () => prepared.featureSets[0]!.dims,
    classes: prepared.classes,
    maxGroupBytes: Infinity,
  });
  const state = packStack(0, [
    initialModelState(headArch(model!.head), prepared.featureSets[0]!.dims, prepared.classes, 1, 'm0'),
  ]);
  const hyper = groupHyper(group!, (_, h) => h.lr, prepared.balancedWeights);
  return { group: group!, state, hyper };
}

describe('shard workers', () => {
  it('resolves the compiled worker script from TypeScript sources', () => {
    expect(fileURLToPath(workerScriptUrl('shard-worker-thread'))).toMatch(
      /dist\/src\/train\/worker\/shard-worker-thread\.js$/,
    );
    expect(() => workerScriptUrl('no-such-worker')).toThrow(/npm run build/);
  });

  it('goes ready → busy → ready → dead, moving state by transfer', async () => {
    const prepared = prepareRun(job);
    const pool = await WorkerPool.start(shardInits(job, prepared), () => {});
    const worker = pool.worker(0);
    expect(worker.status).toBe('ready');
    const { group, state, hyper } = unit(prepared);
    const sent = state['s0/W0']!.data;
    const reply = worker.request(
      'train',
      { epoch: 1, batchSize: 8, group: groupRun(group), state, hyper },
      stateBuffers(state),
    );
    expect(worker.status).toBe('busy');
    expect(sent.length).toBe(0); // transferred, not copied
    const { result } = await reply;
    expect(worker.status).toBe('ready');
    expect(result.examples).toBe(prepared.rows.train.length);
    expect(result.state['s0/W0']!.data.some((v: number) => v !== 0)).toBe(true);
    await pool.stop();
    expect(worker.status).toBe('dead');
    await expect(worker.request('stop', {})).rejects.toThrow(/while dead/);
  });

  it('replaces a worker whose thread died with a fresh one on the same shard', async () => {
    const prepared = prepareRun(job);
    const pool = await WorkerPool.start(shardInits(job, prepared), () => {});
    try {
      const { group, state, hyper } = unit(prepared);
      const body = { epoch: 1, batchSize: 8, group: groupRun(group), hyper };
      const died = pool.worker(0).request('train', { ...body, state, fault: 'exit' });
      await expect(died).rejects.toThrow(/exited with code 70/);
      expect(pool.worker(0).status).toBe('dead');
      const fresh = await pool.respawn(0);
      expect(fresh.status).toBe('ready');
      await expect(fresh.request('train', { ...body, state, fault: 'throw' })).rejects.toThrow(
        /injected fault/,
      );
      expect(fresh.status).toBe('ready'); // a unit that throws leaves its worker alive
      const { result } = await fresh.request('train', { ...body, state });
      expect(result.steps).toBe(Math.ceil(prepared.rows.train.length / 8));
    } finally {
      await pool.stop();
    }
  });

  it('reports a worker that cannot open its store as the store error', async () => {
    const prepared = prepareRun(job);
    const inits = shardInits(job, prepared).map((init) => ({ ...init, storeDir: `${store.dir}-missing` }));
    const error: unknown = await WorkerPool.start(inits, () => {}).catch((e: unknown) => e);
    expect(isLayerlabError(error) && error.code).toBe('NOT_FOUND');
  });
});
