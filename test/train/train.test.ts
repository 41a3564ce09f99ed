import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLayerlabError } from '../../src/core/errors.js';
import type { LayerlabEvent } from '../../src/core/events.js';
import { checkpointPath, readCheckpoint } from '../../src/train/checkpoint.js';
import { initialLinearState, linearHyper } from '../../src/train/fused-linear-graph.js';
import type { GroupState } from '../../src/train/group-state.js';
import type { LinearHeadConfig } from '../../src/train/head-config.js';
import { prepareRun } from '../../src/train/prepare-run.js';
import { ShardRuntime } from '../../src/train/shard-runtime.js';
import { shardInits, train } from '../../src/train/train.js';
import type { TrainJob, TrainOutcome } from '../../src/train/train-job.js';
import { createSyntheticStore, type SyntheticStore } from './synthetic-store.js';

const heads: LinearHeadConfig[] = [0.05, 0.2].flatMap((lr) =>
  [0, 1e-3].map((l2): LinearHeadConfig => ({
    type: 'linear',
    lr,
    l2,
    batchSize: 16,
    momentum: 0.9,
    optimizer: 'sgd',
    // Cosine annealing exercises per-epoch hyper-parameters in the replay below.
    lrSchedule: 'cosine',
  })),
);

describe('train (MOP over real worker threads and a real LMDB store)', () => {
  let store: SyntheticStore;
  let job: TrainJob;
  let events: LayerlabEvent[];
  let outcome: TrainOutcome;
  let runDir: string;

  beforeAll(async () => {
    store = createSyntheticStore();
    job = { storeDir: store.dir, featureSets: store.featureSets, heads, epochs: 3, workers: 2, seed: 5 };
    runDir = join(dirname(store.dir), 'run-a');
    events = [];
    outcome = await train(job, { sink: (e) => events.push(e), runDir });
  });
  afterAll(() => rmSync(dirname(store.dir), { recursive: true, force: true }));

  it('learns: every model is well above chance on validation', () => {
    expect(outcome.models).toHaveLength(8);
    expect(outcome.models.map((m) => m.id)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    for (const model of outcome.models) {
      expect(model.valAccuracy).toHaveLength(3);
      expect(model.finalValAccuracy).toBeGreaterThan(0.8);
      expect(model.testAccuracy).toBeGreaterThan(0.7);
      expect(model.trainLoss.at(-1)!).toBeLessThan(model.trainLoss[0]!);
      expect(model.head).toMatchObject({ type: 'linear', optimizer: 'sgd', epochs: 3, id: model.id });
    }
    expect(outcome.models[0]!.layer).toBe('layer0');
    expect(outcome.models[4]!.layer).toBe('layer1');
    const best = outcome.best;
    expect(best.confusion).toHaveLength(3);
    expect(best.confusion.flat().reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(best.confusionSplit).toBe('test');
  });

  it('emits train.start, the units of each epoch, its train.epoch, then train.end', () => {
    const train = events.filter((e) => e.type !== 'log');
    expect(train[0]).toMatchObject({ type: 'train.start', workers: 2, epochs: 3, groups: 2 });
    const start = train[0]!.type === 'train.start' ? train[0] : undefined;
    expect(start?.models[1]).toEqual({ id: 'm1', layer: 'layer0', head: 'lr=0.05 l2=1e-3' });
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

  it('writes run.json, visits.json, results.json and a checkpoint per group', () => {
    for (const file of ['run.json', 'visits.json', 'results.json'])
      expect(existsSync(join(runDir, file))).toBe(true);
    const visits = JSON.parse(readFileSync(join(runDir, 'visits.json'), 'utf8')) as { epochs: number[][][] };
    expect(visits.epochs).toEqual(outcome.visits);
    expect(visits.epochs).toHaveLength(3);
    for (const group of outcome.groups) {
      const { header } = readCheckpoint(runDir, group.id);
      expect(header).toMatchObject({ group: group.id, epoch: 3, units: 2, models: group.models });
    }
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { job: TrainJob; seed: number };
    expect(run.job).toEqual(job);
  });

  it('gives the same weights as sequential training over the recorded visit order, bit for bit', async () => {
    const prepared = prepareRun(job);
    const runtimes = await Promise.all(shardInits(job, prepared).map((init) => ShardRuntime.open(init)));
    try {
      for (const group of outcome.groups) {
        const set = prepared.featureSets.find((s) => s.key === group.featureSet)!;
        const groupHeads = group.models.map((id) => heads[Number(id.slice(1)) % heads.length]!);
        let state: GroupState = initialLinearState(groupHeads.length, set.dims, prepared.classes);
        for (let e = 0; e < outcome.visits.length; e++) {
          for (const shard of outcome.visits[e]![group.id]!) {
            state = (
              await runtimes[shard]!.train(
                e + 1,
                group.featureSet,
                group.batchSize,
                state,
                linearHyper(groupHeads, e + 1, outcome.visits.length),
              )
            ).state;
          }
        }
        const { state: saved } = readCheckpoint(runDir, group.id);
        for (const name of Object.keys(state)) expect(saved[name]!.data).toEqual(state[name]!.data);
      }
    } finally {
      await Promise.all(runtimes.map((r) => r.release()));
    }
  });

  it('is deterministic: the same seed gives the same results and weights', async () => {
    const again = await train(job, { sink: () => {}, runDir: join(dirname(store.dir), 'run-b') });
    expect(again.models).toEqual(outcome.models);
    expect(again.visits).toEqual(outcome.visits);
    for (const group of outcome.groups) {
      const a = readFileSync(checkpointPath(runDir, group.id));
      const b = readFileSync(checkpointPath(again.runDir, group.id));
      expect(a.equals(b)).toBe(true);
    }
  });

  it('stops between units when aborted and rejects with interrupted()', async () => {
    const controller = new AbortController();
    const seen: LayerlabEvent[] = [];
    const error: unknown = await train(job, {
      sink: (e) => {
        seen.push(e);
        if (e.type === 'train.unit') controller.abort();
      },
      runDir: join(dirname(store.dir), 'run-c'),
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(isLayerlabError(error) && error.code).toBe('INTERRUPTED');
    expect(seen.filter((e) => e.type === 'train.unit').length).toBeLessThanOrEqual(2);
    expect(seen.some((e) => e.type === 'train.end')).toBe(false);
  });
});
