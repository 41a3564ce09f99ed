import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadConfig } from '../../src/train/heads/head-config.js';
import { evaluatedState } from '../../src/train/heads/evaluation.js';
import type { GroupState } from '../../src/train/heads/group-state.js';
import { fuseGroups, enumerateModels } from '../../src/train/mop/fused-groups.js';
import { train } from '../../src/train/mop/train.js';
import type { TrainJob, TrainOutcome } from '../../src/train/mop/train-job.js';
import { OrderedWrites } from '../../src/train/run-folder/ordered-writes.js';
import { readSnapshot } from '../../src/train/run-folder/run-snapshot.js';
import { queueRunVisits, readRunVisits, writeRunVisits } from '../../src/train/run-folder/run-visits.js';
import { headArch } from '../../src/train/heads/head-arch.js';
import { initialModelState, packStack } from '../../src/train/heads/head-state.js';
import { differingTensors } from './same-bits.js';
import { createSyntheticStore, type SyntheticStore } from './synthetic-store.js';

/** SGD (one velocity per weight) and Adam (two moments and a step count) in one layer's group. */
const heads: HeadConfig[] = [
  { type: 'linear', lr: 0.05, l2: 0, batchSize: 16, momentum: 0.9, optimizer: 'sgd' },
  { type: 'mlp', hidden: [8], lr: 0.01, l2: 1e-4, batchSize: 16, momentum: 0, optimizer: 'adam' },
];

/**
 * What the coordinator does between epochs, made lighter (issue 12 item 14): groups start the next
 * epoch from the state the last one left (not repacked), visits.json and the snapshot are written
 * behind, evaluations carry the weights only. None of it may change a bit of the results.
 */
describe('MOP between epochs', () => {
  let store: SyntheticStore;
  let job: TrainJob;
  let outcome: TrainOutcome;
  const runIn = (name: string) => join(dirname(store.dir), name);

  beforeAll(async () => {
    store = createSyntheticStore();
    job = { storeDir: store.dir, featureSets: store.featureSets, heads, epochs: 3, workers: 2, seed: 11 };
    outcome = await train(job, { runDir: runIn('run-plain'), sink: () => {} });
  });
  afterAll(() => rmSync(dirname(store.dir), { recursive: true, force: true }));

  it('re-runs a group whose first unit of an epoch failed from its packed start state, with identical results', async () => {
    // every unit of epochs 2 and 3 fails once: each group's first unit there started from the state
    // the epoch before left, transferred away with the failed try, so the re-run must pack afresh
    const faulty = await train(job, {
      runDir: runIn('run-faulty'),
      sink: () => {},
      faults: ({ epoch }, attempt) => (epoch >= 2 && attempt === 1 ? 'throw' : undefined),
    });
    expect(faulty.models).toEqual(outcome.models);
    const states = (dir: string) => readSnapshot(dir)!.states;
    expect(differingTensors(states(runIn('run-plain')), states(runIn('run-faulty')))).toEqual([]);
  });

  it('writes visits.json behind with the bytes of the synchronous writer', async () => {
    const visits = readRunVisits(runIn('run-plain'));
    expect(visits.map((v) => v.epoch)).toEqual([1, 2, 3]);
    const writes = new OrderedWrites();
    const queued = runIn('visits-queued');
    const direct = runIn('visits-direct');
    for (const dir of [queued, direct]) rmSync(dir, { recursive: true, force: true });
    mkdirSync(queued);
    mkdirSync(direct);
    queueRunVisits(writes, queued, visits);
    await writes.flush();
    writeRunVisits(direct, visits);
    expect(readFileSync(join(queued, 'visits.json')).equals(readFileSync(join(direct, 'visits.json')))).toBe(
      true,
    );
  });

  it('sends an evaluation the weights of every stack and none of the optimizer buffers', () => {
    const [group] = fuseGroups(enumerateModels([store.featureSets[0]!], heads), {
      workers: 1,
      dims: () => 6,
      classes: 3,
      maxGroupBytes: Infinity,
    });
    const state: GroupState = {};
    group!.stacks.forEach((stack, i) =>
      packStack(
        i,
        stack.heads.map((head, k) => initialModelState(headArch(head), 6, 3, 1, `m${i}${k}`)),
        state,
      ),
    );
    expect(Object.keys(state).sort()).toEqual(
      ['s0/W0', 's0/b0', 's0/vW0', 's0/vb0']
        .concat(
          ['W0', 'W1', 'b0', 'b1', 'mW0', 'mW1', 'mb0', 'mb1', 't', 'vW0', 'vW1', 'vb0', 'vb1'].map(
            (n) => `s1/${n}`,
          ),
        )
        .sort(),
    );
    expect(Object.keys(evaluatedState(group!, state)).sort()).toEqual(
      ['s0/W0', 's0/b0', 's1/W0', 's1/W1', 's1/b0', 's1/b1'].sort(),
    );
  });
});
