import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isLayerlabError } from '../../src/core/errors.js';
import { initialLinearState, linearHyper } from '../../src/train/fused-linear-graph.js';
import { stateBuffers } from '../../src/train/group-state.js';
import { prepareRun } from '../../src/train/prepare-run.js';
import { shardInits } from '../../src/train/train.js';
import { startShardWorkers } from '../../src/train/worker-pool.js';
import { workerScriptUrl } from '../../src/train/worker-script.js';
import { createSyntheticStore } from './synthetic-store.js';

const store = createSyntheticStore({ records: 120 });
afterAll(() => rmSync(dirname(store.dir), { recursive: true, force: true }));
const head = { type: 'linear', lr: 0.1, l2: 0, batchSize: 8, momentum: 0, optimizer: 'sgd' } as const;
const job = {
  storeDir: store.dir,
  featureSets: store.featureSets.slice(0, 1),
  heads: [head],
  epochs: 1,
  workers: 1,
  seed: 1,
};

describe('shard workers', () => {
  it('resolves the compiled worker script from TypeScript sources', () => {
    expect(fileURLToPath(workerScriptUrl('shard-worker-thread'))).toMatch(
      /dist\/src\/train\/shard-worker-thread\.js$/,
    );
    expect(() => workerScriptUrl('no-such-worker')).toThrow(/npm run build/);
  });

  it('goes ready → busy → ready → dead, moving state by transfer', async () => {
    const prepared = prepareRun(job);
    const [worker] = await startShardWorkers(shardInits(job, prepared), () => {});
    expect(worker!.status).toBe('ready');
    const state = initialLinearState(1, prepared.featureSets[0]!.dims, prepared.classes);
    const sent = state.W!.data;
    const reply = worker!.request(
      'train',
      { epoch: 1, featureSet: store.featureSets[0]!.key, batchSize: 8, state, hyper: linearHyper([head]) },
      stateBuffers(state),
    );
    expect(worker!.status).toBe('busy');
    expect(sent.length).toBe(0); // transferred, not copied
    const { result } = await reply;
    expect(worker!.status).toBe('ready');
    expect(result.examples).toBe(prepared.rows.train.length);
    expect(result.state.W!.data.some((v) => v !== 0)).toBe(true);
    await worker!.stop();
    expect(worker!.status).toBe('dead');
    await expect(worker!.request('stop', {})).rejects.toThrow(/while dead/);
  });

  it('reports a worker that cannot open its store as the store error', async () => {
    const prepared = prepareRun(job);
    const inits = shardInits(job, prepared).map((init) => ({ ...init, storeDir: `${store.dir}-missing` }));
    const error: unknown = await startShardWorkers(inits, () => {}).catch((e: unknown) => e);
    expect(isLayerlabError(error) && error.code).toBe('NOT_FOUND');
  });
});
