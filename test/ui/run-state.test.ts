import { describe, expect, it } from 'vitest';
import { summarizeLayers } from '../../src/ui/layer-summary.js';
import {
  currentEpoch,
  extractionFraction,
  trainingEtaSeconds,
  trainingFraction,
} from '../../src/ui/progress.js';
import { initialRunState, reduceRunState } from '../../src/ui/run-state.js';
import {
  epoch1,
  epoch1Units,
  extractEnd,
  extractingRun,
  extractStart,
  finishedRun,
  header,
  replay,
  result,
  store,
  trainedRun,
  trainingRun,
  trainStart,
  unit,
} from './run-fixture.js';

describe('reduceRunState', () => {
  it('starts with nothing known', () => {
    const state = initialRunState(header);
    expect(state.phase).toBe('starting');
    expect(state.extraction.status).toBe('pending');
    expect(state.training.status).toBe('pending');
    expect(summarizeLayers(state)).toEqual({ rows: [], bestIndex: -1 });
  });

  it('takes model and dataset from extract.start when the caller did not name them', () => {
    const state = reduceRunState(initialRunState({ title: 't', model: '', dataset: '' }), extractStart);
    expect(state).toMatchObject({ model: 'builtin:shapes-cnn', dataset: 'builtin:shapes' });
    const named = reduceRunState(
      initialRunState({ title: 't', model: 'mine.onnx', dataset: 'data/' }),
      extractStart,
    );
    expect(named).toMatchObject({ model: 'mine.onnx', dataset: 'data/' });
  });

  it('tracks extraction progress', () => {
    const state = replay(extractingRun);
    expect(state.phase).toBe('extracting');
    expect(state.store).toBe(store);
    expect(state.extraction).toMatchObject({
      status: 'running',
      layers: ['conv1', 'conv2', 'pool3'],
      records: 800,
      total: 2000,
      recordsPerSecond: 512,
      etaSeconds: 2.3,
      rssMb: 412,
    });
    expect(extractionFraction(state.extraction)).toBeCloseTo(0.4);
  });

  it('marks extraction done, and reused when every feature set came from the store', () => {
    expect(replay([...extractingRun, extractEnd]).extraction).toMatchObject({
      status: 'done',
      cached: false,
      seconds: 3.2,
    });
    const cached = replay([
      { ...extractStart, reused: ['conv1', 'conv2', 'pool3'] },
      { type: 'extract.end', store, cached: true, seconds: 0.1 },
    ]);
    expect(cached.extraction).toMatchObject({ status: 'done', cached: true });
    expect(cached.log.map((l) => l.text)).toEqual([
      `extract: all 3 feature sets already in store ${store}`,
      'extract: reused from store (0.1 s)',
    ]);
  });

  it('counts units per epoch as groups × shards and tracks what each worker did last', () => {
    const state = replay([...extractingRun, extractEnd, trainStart, ...epoch1Units.slice(0, 4)]);
    expect(state.phase).toBe('training');
    expect(state.training).toMatchObject({ unitsPerEpoch: 6, unitsDone: 4, epochsDone: 0, workers: 2 });
    expect(state.training.activity).toEqual([
      { worker: 0, epoch: 1, group: 1, shard: 0, examples: 800, seconds: 0.5, units: 2 },
      { worker: 1, epoch: 1, group: 2, shard: 1, examples: 800, seconds: 0.5, units: 2 },
    ]);
    expect(currentEpoch(state.training)).toBe(1);
    expect(trainingFraction(state.training)).toBeCloseTo(4 / 12);
    // 8 units left × 0.5 s each, across 2 workers
    expect(trainingEtaSeconds(state.training)).toBeCloseTo(2);
  });

  it('starts a new unit count at each epoch and keeps the best validation accuracy per layer', () => {
    const state = replay(trainingRun);
    expect(state.training).toMatchObject({ epochsDone: 1, unitsDone: 2, unitEpoch: 2 });
    expect(currentEpoch(state.training)).toBe(2);
    expect(trainingFraction(state.training)).toBeCloseTo(8 / 12);
    expect(summarizeLayers(state)).toEqual({
      rows: [
        { layer: 'conv1', value: 0.61, head: 'linear lr=0.01 l2=1e-4' },
        { layer: 'conv2', value: 0.78, head: 'linear lr=0.1 l2=0' },
        { layer: 'pool3', value: 0.86, head: 'linear lr=0.1 l2=0' },
      ],
      bestIndex: 2,
    });
    expect(state.training.models[0]?.latest).toEqual({
      id: 'm0',
      trainLoss: 1.1,
      valLoss: 1.2,
      valAccuracy: 0.55,
    });
  });

  it('does not reset units of the next epoch that arrived before the epoch summary', () => {
    const state = replay([trainStart, ...epoch1Units, unit(2, 0, 1, 1), epoch1]);
    expect(state.training).toMatchObject({ epochsDone: 1, unitsDone: 1, unitEpoch: 2 });
  });

  it('keeps a layer best when its heads get worse later', () => {
    const state = replay(trainedRun);
    const rows = summarizeLayers(state).rows;
    expect(rows.find((r) => r.layer === 'conv2')?.value).toBe(0.78);
    expect(state.training).toMatchObject({ status: 'done', epochsDone: 2, seconds: 12.3 });
    expect(state.phase).toBe('training');
  });

  it('ends in done with the result, which then supplies the layer rows', () => {
    const state = replay(finishedRun);
    expect(state.phase).toBe('done');
    expect(state.result).toBe(result);
    expect(summarizeLayers(state)).toEqual({
      rows: [
        { layer: 'conv1', value: 0.64, head: 'linear lr=0.01 l2=1e-4' },
        { layer: 'conv2', value: 0.78, head: 'linear lr=0.1 l2=0' },
        { layer: 'pool3', value: 0.913, head: 'linear lr=0.1 l2=0' },
      ],
      bestIndex: 2,
    });
  });

  it('stays failed whatever arrives afterwards', () => {
    const state = replay([...extractingRun, { type: 'failed', message: 'store locked' }, result]);
    expect(state.phase).toBe('failed');
    expect(state.error).toBe('store locked');
  });

  it('logs messages and milestones in order, with stable ids', () => {
    const state = replay([
      extractStart,
      { type: 'log', level: 'warn', message: 'pooling conv1 with mean' },
      extractEnd,
      trainStart,
      ...epoch1Units,
      epoch1,
    ]);
    expect(state.log).toEqual([
      { id: 0, level: 'step', text: `extract: 2,000 records × 3 layers → store ${store}` },
      { id: 1, level: 'warn', text: 'pooling conv1 with mean' },
      { id: 2, level: 'step', text: 'extract: done, 2,000 records in 3.2 s' },
      {
        id: 3,
        level: 'step',
        text: 'train: 6 models on 3 layers · 3 groups on 2 workers · 2 epochs · run run-7',
      },
      { id: 4, level: 'step', text: 'epoch 1/2: best val acc 86.0% (pool3, linear lr=0.1 l2=0)' },
    ]);
  });

  it('does not mutate the previous state', () => {
    const before = replay(trainingRun);
    const snapshot = structuredClone(before);
    reduceRunState(before, unit(2, 1, 0, 0));
    expect(before).toEqual(snapshot);
  });
});
