import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shardRows } from '../../src/cluster/host-shards.js';
import { shardDirIn } from '../../src/cluster/shard-dir.js';
import { shardStatsInThread, takeKeptTrainRows } from '../../src/cluster/shard-stats-in-thread.js';
import type { ShardMoments } from '../../src/cluster/train-jobs.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { readRawShard } from '../../src/train/worker/raw-shard.js';
import { createSyntheticStore } from '../train/synthetic-store.js';

/**
 * A cluster host reads its shard's train rows once per session: the statistics thread's mean and
 * variance passes read them, and the session's shard worker starts from the same rows (moved to it)
 * instead of reading them again.
 */
describe("a cluster host's train rows, from the statistics passes to the shard worker", () => {
  const synthetic = createSyntheticStore({ records: 200, dims: [4, 7] });
  const home = mkdtempSync(join(tmpdir(), 'layerlab-kept-rows-'));
  const dir = shardDirIn(home, 'S', 0);
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(synthetic.dir, dir, { recursive: true, filter: (from) => !/(readers|\.mdb-lock)$/.test(from) });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(dirname(synthetic.dir), { recursive: true, force: true });
  });
  const keys = synthetic.featureSets.map((s) => s.key);
  const bits = (values: Float32Array) => Array.from(new Uint32Array(values.slice().buffer));

  const passes = async (session: string) => {
    const job = { session, job: 'j', shard: 0, store: 'S', keys, n: 120 };
    const means = (await shardStatsInThread({ ...job, pass: 'mean' }, home)) as ShardMoments;
    await shardStatsInThread({ ...job, pass: 'variance', means }, home);
  };

  it('keeps the rows the passes read, for the same feature sets, once', async () => {
    await passes('s1');
    expect(takeKeptTrainRows('s1', 0, [...keys].reverse())).toBeUndefined(); // other sets: none
    await passes('s2');
    const train = takeKeptTrainRows('s2', 0, keys);
    expect(train?.map((t) => t.key)).toEqual(keys);
    expect(takeKeptTrainRows('s2', 0, keys)).toBeUndefined();
    const store = FeatureStore.open(dir, { write: false });
    try {
      const rows = shardRows(store, keys);
      train!.forEach(({ key, values }) =>
        expect(bits(values)).toEqual(bits(store.readRows(key, rows.train))),
      );
      // the shard worker takes them as its train rows, and reads only the rest
      const layout = {
        storeDir: dir,
        shard: 0,
        classes: 3,
        seed: 1,
        rows,
        featureSets: synthetic.featureSets.map((s, i) => ({ key: s.key, dims: [4, 7][i]! })),
      };
      const raw = readRawShard(layout, train);
      expect(raw.sets.get(keys[0]!)!.train).toBe(train![0]!.values);
      // rows of the wrong size are not taken: read instead
      const short = [{ key: keys[0]!, values: new Float32Array(3) }];
      expect(bits(readRawShard(layout, short).sets.get(keys[0]!)!.train)).toEqual(
        bits(store.readRows(keys[0]!, rows.train)),
      );
    } finally {
      store.close();
    }
  });
});
