import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareRows, prepareRun, shardStandardization } from '../../src/train/mop/prepare-run.js';
import { shardInits, shardLayouts } from '../../src/train/mop/train.js';
import { lendTrainRows, readRawShard } from '../../src/train/worker/raw-shard.js';
import { ShardRuntime } from '../../src/train/worker/shard-runtime.js';
import { WorkerPool } from '../../src/train/worker/worker-pool.js';
import { createSyntheticStore } from './synthetic-store.js';

/**
 * The in-process trainer reads the store's features once, in the shard workers: it works the train
 * split's standardization out from the rows they read, and must get what prepareRun's own read of
 * the store gets, bit for bit (runs are replayed and compared exactly).
 */
const store = createSyntheticStore({ records: 317, dims: [5, 12, 3] });
afterAll(() => rmSync(dirname(store.dir), { recursive: true, force: true }));
const job = { storeDir: store.dir, featureSets: store.featureSets, workers: 3, seed: 4 };

const bits = (values: Float32Array) => Array.from(new Uint32Array(values.buffer.slice(0)));

describe("the train split's standardization from the shard workers' rows", () => {
  it('equals the one read from the store, to the bit, and so do the standardized shards', () => {
    const expected = prepareRun(job);
    const rows = prepareRows(job);
    const layouts = shardLayouts(job, rows);
    const raw = layouts.map((layout) => readRawShard(layout));
    const got = shardStandardization(
      rows,
      layouts.map((l) => l.rows.train),
      raw.map(lendTrainRows),
    );
    expect(got.featureSets).toHaveLength(3);
    got.featureSets.forEach((set, i) => {
      const want = expected.featureSets[i]!.standardization;
      expect(bits(set.standardization.mean)).toEqual(bits(want.mean));
      expect(bits(set.standardization.std)).toEqual(bits(want.std));
    });
    // the workers' rows, standardized in place of being read again, equal a fresh shard's
    const inits = shardInits(job, got);
    inits.forEach((init, shard) => {
      const fromRaw = ShardRuntime.fromRaw(raw[shard]!, init);
      const opened = ShardRuntime.open(init);
      for (const { key } of init.featureSets)
        for (const split of ['train', 'val', 'test'] as const)
          expect(bits(fromRaw.rows(key, split).x)).toEqual(bits(opened.rows(key, split).x));
    });
  });

  it('reaches worker threads: read, standardize, init (the train rows moved, not copied); a failing standardization stops them all', async () => {
    const rows = prepareRows(job);
    const layouts = shardLayouts(job, rows);
    const lent: Float32Array[] = [];
    const pool = await WorkerPool.startStandardizing(
      layouts,
      (train) => {
        expect(train.map((shard) => shard.map((set) => set.key))).toEqual(
          layouts.map(() => ['set0', 'set1', 'set2']),
        );
        lent.push(...train.flat().map((t) => t.values));
        return shardInits(
          job,
          shardStandardization(
            rows,
            layouts.map((l) => l.rows.train),
            train,
          ),
        );
      },
      () => {},
    );
    // moved back to their workers: this thread's views of them are detached
    expect(lent.length).toBe(9);
    expect(lent.every((values) => values.length === 0)).toBe(true);
    expect(pool.all.map((w) => w.status)).toEqual(['ready', 'ready', 'ready']);
    await pool.stop();

    const failing = WorkerPool.startStandardizing(
      layouts,
      () => {
        throw new Error('no statistics');
      },
      () => {},
    );
    await expect(failing).rejects.toThrow('no statistics');
  });
});
