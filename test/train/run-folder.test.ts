import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainTriage } from '../../src/core/result.js';
import { runMetaSchema } from '../../src/core/contract/runs.js';
import { runMetaFileSchema } from '../../src/store/run-meta.js';
import { RunStore } from '../../src/store/run-store.js';
import type { EpochVisits, TrainJob, TrainOutcome } from '../../src/train/mop/train-job.js';
import type { ModelRecord } from '../../src/train/mop/model-record.js';
import {
  readUnitCheckpoint,
  unitCheckpointPath,
  writeUnitCheckpoint,
  type UnitCheckpointHeader,
} from '../../src/train/run-folder/checkpoint.js';
import { readRunJob, writeRunJob } from '../../src/train/run-folder/run-job-file.js';
import { readRunResults, writeRunResults } from '../../src/train/run-folder/run-results.js';
import {
  readSnapshot,
  snapshotPath,
  writeSnapshot,
  type RunProgress,
} from '../../src/train/run-folder/run-snapshot.js';
import { readRunTriage, writeRunTriage } from '../../src/train/run-folder/run-triage.js';
import { readRunVisits, writeRunVisits } from '../../src/train/run-folder/run-visits.js';

/**
 * Every file of a run folder, through its one writer and its one reader: what is written reads back
 * equal, and a damaged copy (cut short, emptied, edited into the wrong shape) is refused with a
 * BAD_DATA error (exit 65) that names the file.
 */

const head = { type: 'linear', lr: 0.1, l2: 0, batchSize: 8, optimizer: 'sgd', momentum: 0.9 } as const;
const summary = { id: 'm0', ...head, epochs: 2, schedule: 'constant', classWeight: 'none' } as const;

const job: TrainJob = {
  storeDir: '/tmp/store',
  featureSets: [{ key: 'fs-a', layer: 'a' }],
  heads: [head],
  epochs: 2,
  workers: 2,
  seed: 7,
  metric: 'accuracy',
};

const visits: EpochVisits[] = [
  {
    epoch: 1,
    groups: [{ id: 0, featureSet: 'fs-a', layer: 'a', batchSize: 8, models: ['m0'], shards: [1, 0] }],
  },
];

const outcome: TrainOutcome = {
  run: 'run-x',
  runDir: '/tmp/run-x',
  seconds: 1.5,
  classes: 2,
  metric: 'accuracy',
  models: [
    {
      id: 'm0',
      layer: 'a',
      featureSet: 'fs-a',
      label: 'lr=0.1 l2=0',
      head: summary,
      status: 'active',
      trainLoss: [0.7, 0.5],
      valLoss: [0.6, 0.4],
      valAccuracy: [0.5, 0.75],
      valMacroF1: [0.4, 0.7],
      finalValAccuracy: 0.75,
      finalValMacroF1: 0.7,
      finalValue: 0.75,
      testAccuracy: null,
      testMacroF1: null,
      testLoss: null,
      testValue: null,
      confusion: [
        [3, 1],
        [0, 4],
      ],
    },
  ],
  best: {
    id: 'm0',
    layer: 'a',
    head: summary,
    value: 0.75,
    valAccuracy: 0.75,
    testAccuracy: null,
    testValue: null,
    confusion: [
      [3, 1],
      [0, 4],
    ],
    confusionSplit: 'val',
  },
  visits,
};

const triage: TrainTriage = {
  method: 'logme',
  keep: 1,
  seconds: 0.2,
  layers: [
    { layer: 'a', score: 1.5, rank: 1, kept: true },
    { layer: 'b', score: null, rank: 2, kept: false },
  ],
};

function newRun(): RunStore {
  return RunStore.create(mkdtempSync(join(tmpdir(), 'layerlab-run-folder-')), 'run-x', {
    command: 'train',
    model: 'm',
    data: 'd',
  });
}

const cut = (path: string) => writeFileSync(path, readFileSync(path).subarray(0, 40));
const badData = (text: string): Error =>
  expect.objectContaining({ exitCode: 65, message: expect.stringContaining(text) as string }) as Error;

describe('the run folder: one writer and one reader per file', () => {
  it('run-meta.json round-trips, and a damaged one names the file', () => {
    const run = newRun();
    run.update({ store: '/tmp/store' });
    run.finish('failed', 'out of memory');
    expect(run.meta()).toMatchObject({
      id: 'run-x',
      store: '/tmp/store',
      status: 'failed',
      error: 'out of memory',
    });
    const path = join(run.dir, 'run-meta.json');
    writeFileSync(path, JSON.stringify({ ...run.meta(), status: 'paused' }));
    expect(() => run.meta()).toThrow(badData(`${path} is damaged (status:`));
    cut(path);
    expect(() => run.meta()).toThrow(
      badData(`${path} is damaged (it is not valid JSON); delete the run folder`),
    );
  });

  it('run-meta.json’s zod-free check accepts and refuses what the contract schema does', () => {
    const run = newRun();
    run.update({ store: '/tmp/store' });
    run.finish('done');
    const meta = run.meta();
    const samples: unknown[] = [
      meta,
      { ...meta, error: 'boom' },
      { ...meta, store: '' },
      { ...meta, status: 'paused' },
      { ...meta, pid: 0 },
      { ...meta, pid: 1.5 },
      { ...meta, id: '' },
      { ...meta, host: 7 },
      { ...meta, startedAt: undefined },
      { ...meta, endedAt: 3 },
      { ...meta, startedAt: 'yesterday' },
      { ...meta, endedAt: '2026-12-02T03:04:05Z' },
      [meta],
      null,
    ];
    for (const sample of samples)
      expect(runMetaFileSchema.safeParse(sample).success, JSON.stringify(sample)).toBe(
        runMetaSchema.safeParse(sample).success,
      );
  });

  it('control commands and acknowledgements round-trip; a damaged one names its file', () => {
    const run = newRun();
    const id = run.sendControl({ op: 'clone', model: 'm0', changes: { lr: 0.5, hidden: '64x32' } });
    expect(run.pendingControls()).toEqual([
      expect.objectContaining({
        id,
        command: { op: 'clone', model: 'm0', changes: { lr: 0.5, hidden: '64x32' } },
      }),
    ]);
    run.acknowledge({ id, applied: true, epoch: 1, models: ['m1'] });
    expect(run.acknowledgement(id)).toEqual({ id, applied: true, epoch: 1, models: ['m1'] });
    expect(run.pendingControls()).toEqual([]);

    const ack = join(run.dir, 'control', `${id}.ack.json`);
    writeFileSync(ack, JSON.stringify({ id, applied: 'yes' }));
    expect(() => run.acknowledgement(id)).toThrow(badData(`${id}.ack.json is damaged (applied:`));
    const second = run.sendControl({ op: 'stop', model: 'm0' });
    const command = join(run.dir, 'control', `${second}.cmd.json`);
    writeFileSync(command, JSON.stringify({ id: second, command: { op: 'explode' }, sentAt: 'now' }));
    expect(() => run.pendingControls()).toThrow(badData(`${second}.cmd.json is damaged (command.op:`));
  });

  it('run.json round-trips, and a damaged one names the file', () => {
    const run = newRun();
    writeRunJob(run.dir, job);
    expect(readRunJob(run.dir)).toEqual(job);
    const path = join(run.dir, 'run.json');
    writeFileSync(path, JSON.stringify({ job: { ...job, epochs: 0 } }));
    expect(() => readRunJob(run.dir)).toThrow(badData(`${path} is damaged (job.epochs:`));
    writeFileSync(path, '');
    expect(() => readRunJob(run.dir)).toThrow(badData(`${path} is damaged (it is empty)`));
  });

  it('results.json round-trips, and a damaged one names the file', () => {
    const run = newRun();
    expect(readRunResults(run.dir)).toBeUndefined();
    writeRunResults(run.dir, outcome);
    expect(readRunResults(run.dir)).toEqual(outcome);
    const path = join(run.dir, 'results.json');
    writeFileSync(path, JSON.stringify({ ...outcome, best: { ...outcome.best, confusionSplit: 'train' } }));
    expect(() => readRunResults(run.dir)).toThrow(badData(`${path} is damaged (best.confusionSplit:`));
    cut(path);
    expect(() => readRunResults(run.dir)).toThrow(badData(`${path} is damaged (it is not valid JSON)`));
  });

  it('visits.json round-trips (empty before the first epoch), and a damaged one names the file', () => {
    const run = newRun();
    expect(readRunVisits(run.dir)).toEqual([]);
    writeRunVisits(run.dir, visits);
    expect(readRunVisits(run.dir)).toEqual(visits);
    const path = join(run.dir, 'visits.json');
    writeFileSync(path, JSON.stringify({ epochs: [{ epoch: 1, groups: [{ id: 0, shards: 'all' }] }] }));
    expect(() => readRunVisits(run.dir)).toThrow(badData(`${path} is damaged (epochs.0.groups.0.`));
    cut(path);
    expect(() => readRunVisits(run.dir)).toThrow(badData(`${path} is damaged (it is not valid JSON)`));
  });

  it('triage.json round-trips, and a damaged one names the file', () => {
    const run = newRun();
    expect(readRunTriage(run.dir)).toBeUndefined();
    writeRunTriage(run.dir, triage);
    expect(readRunTriage(run.dir)).toEqual(triage);
    const path = join(run.dir, 'triage.json');
    writeFileSync(path, JSON.stringify({ ...triage, method: 'guess' }));
    expect(() => readRunTriage(run.dir)).toThrow(badData(`${path} is damaged (method:`));
  });

  it('unit checkpoints round-trip bit for bit; a cut or edited one names the file', () => {
    const run = newRun();
    mkdirSync(join(run.dir, 'checkpoints'));
    const header: UnitCheckpointHeader = {
      epoch: 1,
      group: 0,
      units: 1,
      models: ['m0'],
      lossSum: [0.5],
      correct: [3],
      steps: 2,
      examples: 16,
    };
    const W0 = { dims: [2, 3], data: Float32Array.of(1, -2, 3.5, 1e-8, 0, 7) };
    writeUnitCheckpoint(run.dir, header, { W0 });
    const read = readUnitCheckpoint(run.dir, 1, 0)!;
    expect(read.header).toMatchObject(header);
    expect(read.state.W0!.dims).toEqual([2, 3]);
    expect([...read.state.W0!.data]).toEqual([...W0.data]);
    expect(readUnitCheckpoint(run.dir, 2, 0)).toBeUndefined();

    const path = unitCheckpointPath(run.dir, 1, 0);
    writeFileSync(path, readFileSync(path).subarray(0, readFileSync(path).length - 4));
    expect(() => readUnitCheckpoint(run.dir, 1, 0)).toThrow(
      badData(`${path} is damaged (its tensors are cut short); delete it and resume the run`),
    );
    writeUnitCheckpoint(run.dir, { ...header, units: -1 }, { W0 });
    expect(() => readUnitCheckpoint(run.dir, 1, 0)).toThrow(badData(`${path} is damaged (header units:`));
    writeFileSync(path, 'not a checkpoint at all');
    expect(() => readUnitCheckpoint(run.dir, 1, 0)).toThrow(
      badData(`${path} is damaged (not a layerlab checkpoint)`),
    );
  });

  it('the epoch snapshot round-trips every model’s state; a cut one names the file', () => {
    const run = newRun();
    mkdirSync(join(run.dir, 'checkpoints'));
    const record = {
      id: 'm0',
      index: 0,
      featureSet: 'fs-a',
      layer: 'a',
      head: { ...head, hidden: [], dropout: 0, lrSchedule: 'constant', classWeight: 'none' },
      status: 'active',
      startEpoch: 0,
      origin: { kind: 'search' },
      history: [],
    } as unknown as ModelRecord;
    const progress: RunProgress = {
      epoch: 1,
      models: [record],
      controls: [{ id: 'c1', applied: false, reason: 'no such model' }],
    };
    const state = { W0: { dims: [3], data: Float32Array.of(0.25, -0.5, 2) } };
    writeSnapshot(run.dir, progress, new Map([['m0', state]]));
    const read = readSnapshot(run.dir)!;
    expect(read.progress).toEqual(progress);
    expect([...read.states.get('m0')!.W0!.data]).toEqual([0.25, -0.5, 2]);
    cut(snapshotPath(run.dir));
    expect(() => readSnapshot(run.dir)).toThrow(badData(`${snapshotPath(run.dir)} is damaged (its header`));
    expect(readdirSync(join(run.dir, 'checkpoints'))).toEqual(['snapshot.ckpt']);
  });
});
