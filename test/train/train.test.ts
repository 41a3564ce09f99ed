import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLayerlabError } from '../../src/core/errors.js';
import type { LayerlabEvent } from '../../src/core/events.js';
import type { HeadConfig } from '../../src/train/heads/head-config.js';
import { replaySequential } from '../../src/train/mop/replay.js';
import { readSnapshot, snapshotPath } from '../../src/train/run-folder/run-snapshot.js';
import { train } from '../../src/train/mop/train.js';
import type { TrainJob, TrainOutcome } from '../../src/train/mop/train-job.js';
import { differingTensors } from './same-bits.js';
import { createSyntheticStore, type SyntheticStore } from './synthetic-store.js';

/** Both head types, both optimizers, dropout, both schedules, class weights. */
const heads: HeadConfig[] = [
  { type: 'linear', lr: 0.05, l2: 0, batchSize: 16, momentum: 0.9, optimizer: 'sgd', lrSchedule: 'cosine' },
  {
    type: 'linear',
    lr: 0.2,
    l2: 1e-3,
    batchSize: 16,
    momentum: 0.9,
    optimizer: 'sgd',
    classWeight: 'balanced',
  },
  { type: 'linear', lr: 0.01, l2: 1e-4, batchSize: 16, momentum: 0, optimizer: 'adam' },
  {
    type: 'mlp',
    hidden: [16],
    lr: 0.01,
    l2: 1e-4,
    batchSize: 16,
    momentum: 0,
    optimizer: 'adam',
    dropout: 0.2,
  },
];

function expectSameStates(runDirA: string, runDirB: string): void {
  expect(differingTensors(readSnapshot(runDirA)!.states, readSnapshot(runDirB)!.states)).toEqual([]);
}

describe('train (MOP over real worker threads and a real LMDB store)', () => {
  let store: SyntheticStore;
  let job: TrainJob;
  let events: LayerlabEvent[];
  let outcome: TrainOutcome;
  let runDir: string;
  const runIn = (name: string) => join(dirname(store.dir), name);

  beforeAll(async () => {
    store = createSyntheticStore();
    job = { storeDir: store.dir, featureSets: store.featureSets, heads, epochs: 3, workers: 2, seed: 5 };
    runDir = runIn('run-a');
    events = [];
    outcome = await train(job, { sink: (e) => events.push(e), runDir });
  });
  afterAll(() => rmSync(dirname(store.dir), { recursive: true, force: true }));

  it('learns: every model is well above chance on validation and test', () => {
    expect(outcome.models.map((m) => m.id)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    for (const model of outcome.models) {
      expect(model.valAccuracy).toHaveLength(3);
      expect(model.finalValAccuracy).toBeGreaterThan(0.8);
      expect(model.finalValMacroF1).toBeGreaterThan(0.8);
      expect(model.testAccuracy).toBeGreaterThan(0.7);
      expect(model.trainLoss.at(-1)!).toBeLessThan(model.trainLoss[0]!);
      expect(model.head).toMatchObject({ epochs: 3, id: model.id });
    }
    expect(outcome.models[3]!.head).toMatchObject({
      type: 'mlp',
      hidden: [16],
      dropout: 0.2,
      optimizer: 'adam',
    });
    expect(outcome.models[0]!.layer).toBe('layer0');
    expect(outcome.models[4]!.layer).toBe('layer1');
    expect(outcome.best.confusion).toHaveLength(3);
    expect(outcome.best.confusion.flat().reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(outcome.best.confusionSplit).toBe('test');
  });

  it('emits train.start, the units of each epoch, its train.epoch, then train.end', () => {
    const train = events.filter((e) => e.type !== 'log');
    // 2 feature sets → 2 fused groups (one per feature set: same batch size), 2 workers
    expect(train[0]).toMatchObject({ type: 'train.start', workers: 2, epochs: 3, groups: 2 });
    expect(train.at(-1)!.type).toBe('train.end');
    let cursor = 1;
    for (let epoch = 1; epoch <= 3; epoch++) {
      const units = train.slice(cursor, cursor + 4);
      expect(units.every((e) => e.type === 'train.unit' && e.epoch === epoch)).toBe(true);
      const epochEvent = train[cursor + 4]!;
      expect(epochEvent).toMatchObject({ type: 'train.epoch', epoch, epochs: 3 });
      if (epochEvent.type === 'train.epoch')
        expect(epochEvent.models.map((m) => m.id)).toEqual(outcome.models.map((m) => m.id));
      cursor += 5;
    }
    expect(cursor).toBe(train.length - 1);
  });

  it('writes run.json, visits.json (every group visits every shard once per epoch), results.json and a snapshot', () => {
    for (const file of ['run.json', 'visits.json', 'results.json'])
      expect(existsSync(join(runDir, file))).toBe(true);
    const visits = JSON.parse(readFileSync(join(runDir, 'visits.json'), 'utf8')) as TrainOutcome['visits'];
    expect(visits).toEqual({ epochs: outcome.visits });
    expect(outcome.visits.map((v) => v.epoch)).toEqual([1, 2, 3]);
    for (const { groups } of outcome.visits)
      for (const g of groups) expect([...g.shards].sort()).toEqual([0, 1]);
    const snapshot = readSnapshot(runDir)!;
    expect(snapshot.progress.epoch).toBe(3);
    expect(snapshot.states.size).toBe(8);
    // unit checkpoints are superseded by the epoch snapshot
    expect(existsSync(join(runDir, 'checkpoints', 'e3-g0.ckpt'))).toBe(false);
  });

  it('gives the same weights as sequential training over the recorded visit order, bit for bit', async () => {
    const replayed = await replaySequential(runDir);
    expect(differingTensors(readSnapshot(runDir)!.states, replayed)).toEqual([]);
  });

  it('is deterministic: the same seed gives the same results and the same snapshot bytes', async () => {
    const again = await train(job, { sink: () => {}, runDir: runIn('run-b') });
    expect(again.models).toEqual(outcome.models);
    expect(again.visits).toEqual(outcome.visits);
    expect(readFileSync(snapshotPath(runDir)).equals(readFileSync(snapshotPath(again.runDir)))).toBe(true);
  });

  it('re-runs units whose worker threw or died, from the group checkpoint, with identical results', async () => {
    const warnings: string[] = [];
    const faulty = await train(job, {
      sink: (e) => e.type === 'log' && e.level === 'warn' && warnings.push(e.message),
      runDir: runIn('run-faults'),
      faults: ({ epoch, group, shard }, attempt) =>
        epoch === 2 && group === 0 && shard === 1 && attempt === 1
          ? 'exit'
          : epoch === 1 && group === 1 && attempt < 3
            ? 'throw'
            : undefined,
    });
    expect(warnings.filter((w) => /re-running it/.test(w)).length).toBeGreaterThanOrEqual(3);
    expect(faulty.models).toEqual(outcome.models);
    expectSameStates(runDir, faulty.runDir);
  });

  it('stops between steps when aborted, then resumes to the same results as an uninterrupted run', async () => {
    const controller = new AbortController();
    const resumeDir = runIn('run-c');
    let units = 0;
    const error: unknown = await train(job, {
      sink: (e) => {
        if (e.type === 'train.unit' && ++units === 7) controller.abort();
      },
      runDir: resumeDir,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(isLayerlabError(error) && error.code).toBe('INTERRUPTED');
    const seen: LayerlabEvent[] = [];
    const resumed = await train(job, { sink: (e) => seen.push(e), runDir: resumeDir, resume: true });
    // the unit running beside the aborting one may finish its epoch; either way the finished
    // units (checkpointed) are not run again
    const start = seen[0]!;
    expect(start.type === 'train.start' && start.resumedAfter).toBeGreaterThanOrEqual(1);
    expect(seen.filter((e) => e.type === 'train.unit').length).toBeLessThanOrEqual(12 - 7);
    expect(resumed.models).toEqual(outcome.models);
    expectSameStates(runDir, resumeDir);
  });
});
