import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTensorFileHeader as readCheckpointHeader } from '../../src/train/run-folder/tensor-file.js';
import { processRssMb } from '../../src/cli/ui-data/process-rss.js';
import { resolveRun } from '../../src/cli/ui-data/resolve-run.js';
import { RunCatalog } from '../../src/cli/ui-data/run-catalog.js';
import { readRunDetail } from '../../src/cli/ui-data/run-detail.js';
import { followRun } from '../../src/cli/ui-data/run-follower.js';
import { listStores, readClassNames, readStoreDetail } from '../../src/cli/ui-data/stores.js';
import { createUiBackend } from '../../src/cli/ui-data/ui-backend.js';
import { homeLayout } from '../../src/core/paths.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { RunStore } from '../../src/store/run-store.js';
import { encodeTensorFile } from '../../src/train/run-folder/tensor-file.js';
import { epoch2, result, trainEnd, trainingRun, unit } from './run-fixture.js';

const home = homeLayout(mkdtempSync(join(tmpdir(), 'layerlab-ui-data-')));
const storeDir = join(home.stores, 'shapes--1a2b');

function makeStore(): void {
  const store = FeatureStore.open(storeDir, { write: true });
  try {
    const records = 10;
    store.initialize(
      {
        formatVersion: 2,
        id: 'shapes--1a2b',
        createdAt: '2026-11-21T09:00:00.000Z',
        model: { ref: 'builtin:shapes-cnn', digest: 'm' },
        dataset: { ref: 'builtin:shapes', digest: 'd', records, classNames: ['solid', 'dots'] },
        preprocessing: { scale: 1 / 255 },
        preprocessingDigest: 'p',
        libraryVersions: {},
      },
      {
        labels: Int32Array.from({ length: records }, (_, i) => i % 2),
        split: Uint8Array.from([0, 0, 0, 0, 0, 0, 1, 1, 2, 2]),
        ids: Array.from({ length: records }, (_, i) => String(i)),
      },
    );
    for (const [key, layer, complete] of [
      ['k1', 'conv1', true],
      ['k2', 'conv2', false],
    ] as const) {
      store.beginFeatureSet({
        key,
        layer,
        point: layer,
        pooling: 'mean',
        dims: 4,
        dtype: 'float32',
        records,
        batchSize: 10,
        batches: 1,
        complete: false,
        createdAt: '2026-11-21T09:00:00.000Z',
      });
      store.writeBatch(0, [{ key, values: new Float32Array(records * 4), rows: records, dims: 4 }]);
      if (complete) store.completeFeatureSets([key]);
    }
  } finally {
    store.close();
  }
}

/** A run folder as the trainer leaves it: metadata, event log, job, results, visits, checkpoints. */
function makeRun(id: string, options: { finished: boolean; pid?: number }): RunStore {
  const run = RunStore.create(home.runs, id, {
    command: 'demo',
    model: 'builtin:shapes-cnn',
    data: 'builtin:shapes',
  });
  run.update({ store: storeDir, ...(options.pid === undefined ? {} : { pid: options.pid }) });
  for (const event of trainingRun) run.appendEvent(event);
  writeFileSync(
    join(run.dir, 'run.json'),
    JSON.stringify({
      job: {
        storeDir,
        featureSets: [{ key: 'k1', layer: 'conv1' }],
        heads: [{ type: 'linear', lr: 0.1, l2: 0, batchSize: 64, optimizer: 'sgd', momentum: 0.9 }],
        epochs: 2,
        workers: 2,
        seed: 1,
        metric: 'accuracy',
      },
    }),
  );
  writeFileSync(
    join(run.dir, 'visits.json'),
    JSON.stringify({
      epochs: [
        {
          epoch: 1,
          groups: [{ id: 0, layer: 'conv1', batchSize: 64, models: ['m0', 'm1'], shards: [1, 0] }],
        },
      ],
    }),
  );
  mkdirSync(join(run.dir, 'checkpoints'), { recursive: true });
  const snapshot = {
    epoch: 1,
    models: [{ id: 'm0', head: { type: 'linear', hidden: [], lr: 0.1, l2: 0, lrSchedule: 'cosine' } }],
    controls: [],
  };
  writeFileSync(
    join(run.dir, 'checkpoints', 'snapshot.ckpt'),
    encodeTensorFile(snapshot, { 'm0/W0': { dims: [4, 2], data: new Float32Array(8) } }),
  );
  writeFileSync(
    join(run.dir, 'checkpoints', 'e2-g0.ckpt'),
    encodeTensorFile(
      { epoch: 2, group: 0, units: 1, models: ['m0', 'm1'] },
      { W0: { dims: [2, 4, 2], data: new Float32Array(16) } },
    ),
  );
  writeFileSync(join(run.dir, 'checkpoints', 'notes.txt'), 'not a checkpoint');
  if (options.finished) {
    writeFileSync(
      join(run.dir, 'results.json'),
      JSON.stringify({
        seconds: 3,
        classes: 2,
        models: [
          {
            id: 'm0',
            layer: 'conv1',
            featureSet: 'fs-conv1',
            label: 'lr=0.1',
            head: {
              id: 'm0',
              type: 'linear',
              lr: 0.1,
              l2: 0,
              batchSize: 64,
              optimizer: 'sgd',
              momentum: 0.9,
              epochs: 2,
            },
            status: 'active',
            trainLoss: [1, 0.5],
            valLoss: [1, 0.6],
            valAccuracy: [0.5, 0.7],
            valMacroF1: [0.4, 0.6],
            finalValAccuracy: 0.7,
            finalValue: 0.7,
            testAccuracy: 0.65,
          },
        ],
        best: {
          id: 'm0',
          confusion: [
            [3, 1],
            [1, 3],
          ],
          confusionSplit: 'test',
        },
      }),
    );
    for (const event of [epoch2, trainEnd, result]) run.appendEvent(event);
    run.finish('done');
  }
  return run;
}

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

/** Polls until `done` holds, with a generous cap (the follower reads every 10 ms here). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

beforeAll(() => {
  makeStore();
  makeRun('run-20261121-090000-aaaa', { finished: true });
  makeRun('run-20261121-100000-bbbb', { finished: false });
});

describe('stores, read for the UI', () => {
  it('lists each store with backbone, dataset, layers, records and size on disk', () => {
    const [store] = listStores(home.stores);
    expect(store).toMatchObject({
      id: 'shapes--1a2b',
      backbone: 'builtin:shapes-cnn',
      dataset: 'builtin:shapes',
      layers: 1,
      featureSets: 2,
      records: 10,
      createdAt: '2026-11-21T09:00:00.000Z',
    });
    expect(store!.sizeBytes).toBeGreaterThan(0);
    expect(listStores(join(home.root, 'nowhere'))).toEqual([]);
  });

  it('reads a store’s feature sets with their sizes, its split and its class names', () => {
    const detail = readStoreDetail(storeDir);
    expect(detail.split).toEqual({ train: 6, val: 2, test: 2 });
    expect(detail.featureSets.map((s) => [s.layer, s.complete, s.bytes])).toEqual([
      ['conv1', true, 16 + 10 * 4 * 4],
      ['conv2', false, 16 + 10 * 4 * 4],
    ]);
    expect(readClassNames(storeDir)).toEqual(['solid', 'dots']);
    expect(readClassNames(join(home.root, 'nowhere'))).toBeUndefined();
  });
});

describe('runs, read for the UI', () => {
  it('lists runs newest first with their events replayed, and reads only what was appended next time', () => {
    const catalog = new RunCatalog(home.runs);
    const [running, done] = catalog.list();
    expect(running?.meta.id).toBe('run-20261121-100000-bbbb');
    expect(running?.state.training).toMatchObject({ epochsDone: 1, unitsDone: 2 });
    expect(running?.stale).toBe(false);
    expect(done?.state.phase).toBe('done');
    RunStore.open(join(home.runs, 'run-20261121-100000-bbbb')).appendEvent(unit(2, 1, 1, 1));
    expect(catalog.list()[0]?.state.training.unitsDone).toBe(3);
  });

  it('a run whose process is gone is stale, and shows as interrupted', () => {
    makeRun('run-20261121-110000-cccc', { finished: false, pid: deadPid() });
    const [stale] = new RunCatalog(home.runs).list();
    expect(stale?.stale).toBe(true);
    expect(stale?.state.phase).toBe('interrupted');
  });

  it('reads the job, each model’s head, results with the confusion matrix, visits and checkpoints', () => {
    const dir = join(home.runs, 'run-20261121-090000-aaaa');
    const detail = readRunDetail(dir, RunStore.open(dir).meta(), ['solid', 'dots']);
    expect(detail.job).toEqual({
      featureSets: [{ key: 'k1', layer: 'conv1' }],
      epochs: 2,
      workers: 2,
      seed: 1,
      extra: { metric: 'accuracy' },
    });
    expect(detail.heads).toEqual({ m0: { type: 'linear', lr: 0.1, l2: 0, lrSchedule: 'cosine' } });
    expect(detail.outcome?.models[0]).toMatchObject({
      id: 'm0',
      confusion: [
        [3, 1],
        [1, 3],
      ],
      confusionSplit: 'test',
      testAccuracy: 0.65,
    });
    expect(detail.visits[0]?.groups[0]?.shards).toEqual([1, 0]);
    expect(detail.checkpoints.map((c) => [c.kind, c.epoch, c.group, c.units, c.models])).toEqual([
      ['unit', 2, 0, 1, ['m0', 'm1']],
      ['snapshot', 1, undefined, undefined, ['m0']],
    ]);
    expect(detail.classNames).toEqual(['solid', 'dots']);
    const running = readRunDetail(join(home.runs, 'run-20261121-100000-bbbb'), undefined);
    expect(running.outcome).toBeUndefined();
    expect(readCheckpointHeader(join(dir, 'checkpoints', 'notes.txt'))).toBeUndefined();
  });

  it('without a snapshot, heads come from the job’s grid', () => {
    const run = RunStore.create(home.runs, 'run-grid', { command: 'train', model: 'm', data: 'd' });
    writeFileSync(
      join(run.dir, 'run.json'),
      JSON.stringify({
        job: {
          featureSets: [
            { key: 'a', layer: 'A' },
            { key: 'b', layer: 'B' },
          ],
          heads: [{ lr: 1 }, { lr: 2 }],
        },
      }),
    );
    expect(readRunDetail(run.dir, undefined).heads).toEqual({
      m0: { lr: 1 },
      m1: { lr: 2 },
      m2: { lr: 1 },
      m3: { lr: 2 },
    });
  });
});

describe('following a run', () => {
  it('replays the log at once, then tails what is appended, until the run ends', async () => {
    const run = makeRun('run-20261121-120000-dddd', { finished: false });
    const follower = followRun(run.dir, { intervalMs: 10 });
    try {
      expect(follower.state.getState().training.epochsDone).toBe(1);
      run.appendEvent(epoch2);
      await until(() => follower.state.getState().training.epochsDone === 2);
      expect(follower.state.getState().training.epochsDone).toBe(2);
      expect(follower.state.getState().training.rssMb).toBeGreaterThan(0);
      run.finish('failed', 'store is locked');
      await until(() => follower.state.getState().phase === 'failed');
      expect(follower.state.getState()).toMatchObject({ phase: 'failed', error: 'store is locked' });
    } finally {
      follower.close();
    }
  });

  it('says once when the log cannot be read, and keeps following', async () => {
    const run = makeRun('run-20261121-130000-ffff', { finished: false });
    appendFileSync(join(run.dir, 'events.ndjson'), 'not json\n');
    const follower = followRun(run.dir, { intervalMs: 10 });
    try {
      await until(() => follower.state.getState().log.some((l) => l.level === 'warn'));
      const warnings = follower.state.getState().log.filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.text).toMatch(/^cannot read the run's log: /);
    } finally {
      follower.close();
    }
  });

  it('a finished run is read once', () => {
    const follower = followRun(join(home.runs, 'run-20261121-090000-aaaa'), { intervalMs: 10 });
    follower.close();
    expect(follower.state.getState().phase).toBe('done');
    expect(follower.state.getState().result?.run).toBe('run-7');
  });
});

describe('the UI backend', () => {
  const backend = createUiBackend(home);

  it('queues steering commands in the run folder and reads their acknowledgements', () => {
    const id = backend.steer('run-20261121-100000-bbbb', { op: 'stop', model: 'm1' });
    const run = RunStore.open(join(home.runs, 'run-20261121-100000-bbbb'));
    expect(run.pendingControls().map((c) => c.command)).toEqual([{ op: 'stop', model: 'm1' }]);
    expect(backend.acknowledgement('run-20261121-100000-bbbb', id)).toBeUndefined();
    run.acknowledge({ id, applied: true, epoch: 2 });
    expect(backend.acknowledgement('run-20261121-100000-bbbb', id)).toEqual({ id, applied: true, epoch: 2 });
  });

  it('reads a run’s detail with the class names of its store', () => {
    expect(backend.detail('run-20261121-090000-aaaa').classNames).toEqual(['solid', 'dots']);
    expect(backend.listStores()).toHaveLength(1);
    expect(backend.storeDetail('shapes--1a2b').summary.id).toBe('shapes--1a2b');
  });

  it('finds a run by id, unique prefix or folder; says what is wrong otherwise', () => {
    expect(resolveRun(home, 'run-20261121-090000-aaaa')).toBe('run-20261121-090000-aaaa');
    expect(resolveRun(home, 'run-20261121-09')).toBe('run-20261121-090000-aaaa');
    expect(resolveRun(home, join(home.runs, 'run-20261121-100000-bbbb'))).toBe('run-20261121-100000-bbbb');
    expect(() => resolveRun(home, 'run-2026')).toThrow(/matches \d+ runs/);
    expect(() => resolveRun(home, 'nope')).toThrow(/no run nope under/);
  });
});

describe('process memory', () => {
  it('reads this process’s resident memory, and none for another host', () => {
    expect(processRssMb(process.pid, hostname())).toBeGreaterThan(1);
    expect(processRssMb(process.pid, 'elsewhere')).toBeUndefined();
    expect(processRssMb(deadPid(), hostname())).toBeUndefined();
  });
});
