import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerlabEvent } from '../../src/core/events.js';
import { enumerateModels, fuseGroups } from '../../src/train/mop/fused-groups.js';
import { splitForMakespan } from '../../src/train/mop/group-splits.js';
import type { HeadConfig } from '../../src/train/heads/head-config.js';
import { epochRng } from '../../src/train/mop/plan.js';
import { replaySequential } from '../../src/train/mop/replay.js';
import { readSnapshot } from '../../src/train/run-folder/run-snapshot.js';
import { train } from '../../src/train/mop/train.js';
import type { TrainJob, TrainOutcome } from '../../src/train/mop/train-job.js';
import { differingTensors } from './same-bits.js';
import { createSyntheticStore, type SyntheticStore } from './synthetic-store.js';

const DIMS = 512;
const CLASSES = 3;
const heads: HeadConfig[] = Array.from({ length: 8 }, (_, i) => ({
  type: 'linear',
  lr: 0.01 * (i + 1),
  l2: 0,
  batchSize: 64,
  momentum: 0.9,
  optimizer: 'sgd',
}));

describe('train with groups cut for the epoch makespan (real workers, real store)', () => {
  let store: SyntheticStore;
  let job: TrainJob;
  let events: LayerlabEvent[];
  let outcome: TrainOutcome;
  let runDir: string;

  beforeAll(async () => {
    store = createSyntheticStore({ records: 3000, classes: CLASSES, dims: [DIMS] });
    job = { storeDir: store.dir, featureSets: store.featureSets, heads, epochs: 2, workers: 3, seed: 3 };
    runDir = join(dirname(store.dir), 'run');
    events = [];
    outcome = await train(job, { sink: (e) => events.push(e), runDir });
  });
  afterAll(() => rmSync(dirname(store.dir), { recursive: true, force: true }));

  it("trains each epoch's groups as the split chooser cut them for that epoch's seed", () => {
    const units = events.filter((e) => e.type === 'train.unit');
    const shardRows = [0, 1, 2].map(
      (shard) => units.find((u) => u.epoch === 1 && u.group === 0 && u.shard === shard)!.examples,
    );
    const fused = fuseGroups(enumerateModels(store.featureSets, heads), {
      workers: 1,
      dims: () => DIMS,
      classes: CLASSES,
      maxGroupBytes: Infinity,
    });
    expect(fused).toHaveLength(1);
    for (const { epoch, groups } of outcome.visits) {
      const chosen = splitForMakespan(fused, {
        shardRows,
        dims: () => DIMS,
        classes: CLASSES,
        rng: () => epochRng(job.seed, epoch),
      });
      expect(groups.map((g) => g.models)).toEqual(chosen.groups.map((g) => g.models));
      expect(groups.flatMap((g) => g.models).sort()).toEqual(heads.map((_, i) => `m${i}`).sort());
      for (const g of groups) expect([...g.shards].sort()).toEqual([0, 1, 2]);
    }
  });

  it('still gives the same weights as sequential training over the recorded visits, bit for bit', async () => {
    const replayed = await replaySequential(runDir);
    expect(differingTensors(readSnapshot(runDir)!.states, replayed)).toEqual([]);
  });
});
