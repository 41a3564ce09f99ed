import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enumerateModels, fuseGroups, type FusedGroup } from '../../src/train/mop/fused-groups.js';
import { cutGroup } from '../../src/train/mop/group-splits.js';
import { groupRun } from '../../src/train/mop/group-run.js';
import { prepareRun } from '../../src/train/mop/prepare-run.js';
import { shardInits } from '../../src/train/mop/train.js';
import { groupHyper } from '../../src/train/heads/group-hyper.js';
import { copyState, type GroupState } from '../../src/train/heads/group-state.js';
import { headArch } from '../../src/train/heads/head-arch.js';
import { initialModelState, packStack } from '../../src/train/heads/head-state.js';
import { ShardRuntime } from '../../src/train/worker/shard-runtime.js';
import { sameBits } from './same-bits.js';
import { createSyntheticStore } from './synthetic-store.js';

describe('a feature set read by several units per epoch keeps its rows in the epoch order', () => {
  const store = createSyntheticStore({ records: 300 });
  afterAll(() => rmSync(dirname(store.dir), { recursive: true, force: true }));
  const job = { storeDir: store.dir, featureSets: store.featureSets.slice(0, 1), workers: 2, seed: 5 };
  const prepared = prepareRun(job);
  const init = shardInits(job, prepared)[0]!;
  const heads = [0.1, 0.05, 0.02, 0.01].map(
    (lr) => ({ type: 'linear', lr, l2: 1e-4, batchSize: 16, momentum: 0.9, optimizer: 'sgd' }) as const,
  );
  const models = enumerateModels(job.featureSets, heads);
  const dims = prepared.featureSets[0]!.dims;
  const [whole] = fuseGroups(models, {
    workers: 1,
    dims: () => dims,
    classes: prepared.classes,
    maxGroupBytes: Infinity,
  }) as [FusedGroup];
  // the group cut in two pieces, as the split chooser cuts one layer's group for two workers
  const pieces = cutGroup(whole, 2).map((piece, id) => ({ ...piece, id }));
  const startOf = (piece: Omit<FusedGroup, 'id'>): GroupState =>
    packStack(
      0,
      piece.models.map((id, k) =>
        initialModelState(headArch(piece.stacks[0]!.heads[k]!), dims, prepared.classes, 9, id),
      ),
    );

  it('gives every unit the bits of the same unit run alone (gathering its batches)', async () => {
    const kept = ShardRuntime.open(init);
    try {
      const states = pieces.map(startOf);
      for (let epoch = 1; epoch <= 3; epoch++) {
        for (const [p, piece] of pieces.entries()) {
          const hyper = groupHyper(piece, (_, h) => h.lr, prepared.balancedWeights);
          const before = copyState(states[p]!);
          const result = await kept.train(epoch, piece.batchSize, groupRun(piece), states[p]!, hyper);
          // a fresh runtime has read nothing yet, so it gathers every batch from the epoch's order
          const alone = ShardRuntime.open(init);
          try {
            const reference = await alone.train(epoch, piece.batchSize, groupRun(piece), before, hyper);
            for (const name of Object.keys(reference.state))
              expect(
                sameBits(result.state[name]!.data, reference.state[name]!.data),
                `epoch ${epoch} piece ${p} ${name}`,
              ).toBe(true);
            expect(Array.from(result.lossSum)).toEqual(Array.from(reference.lossSum));
          } finally {
            await alone.release();
          }
          states[p] = result.state;
        }
      }
    } finally {
      await kept.release();
    }
  });
});
