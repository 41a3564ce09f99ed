import { describe, expect, it } from 'vitest';
import { checkpointLines, confusionStats, configLines, visitLines } from '../../src/ui/model/detail-lines.js';
import { modelDetail } from '../../src/ui/model/model-detail.js';
import {
  configFromLabel,
  flattenConfig,
  headSummaryConfig,
  modelConfig,
} from '../../src/ui/run/model-config.js';
import { finishedRun, trainingRun } from './run-fixture.js';
import { finishedDetail, replayed } from './ui-fixture.js';

describe('model configuration', () => {
  it('reads a head label back into settings', () => {
    expect(
      configFromLabel('mlp[256x128] lr=0.1 l2=1e-4 bs=32 mom=0.9 adam do=0.2 cosine cw=balanced'),
    ).toEqual({
      type: 'mlp',
      hidden: '256x128',
      lr: 0.1,
      l2: 1e-4,
      batchSize: 32,
      momentum: 0.9,
      optimizer: 'adam',
      dropout: 0.2,
      schedule: 'cosine',
      classWeight: 'balanced',
    });
  });

  it('prefers the run’s record, then the results, then the label', () => {
    const m4 = modelConfig({ id: 'm4', head: 'x' }, finishedDetail);
    expect(m4).toMatchObject({ lrSchedule: 'cosine' });
    const fromResults = modelConfig({ id: 'm4', head: 'x' }, { ...finishedDetail, heads: {} });
    expect(fromResults).toEqual({
      type: 'linear',
      lr: 0.1,
      l2: 0,
      batchSize: 64,
      optimizer: 'sgd',
      momentum: 0.9,
    });
    expect(modelConfig({ id: 'm0', head: 'linear lr=0.1 l2=0' }, undefined)).toEqual({
      type: 'linear',
      lr: 0.1,
      l2: 0,
    });
    expect(flattenConfig({ hidden: [64, 32], dropout: null, extra: { a: 1 }, none: [] })).toEqual({
      hidden: '64x32',
      extra: '{"a":1}',
    });
    expect(headSummaryConfig({ ...finishedDetail.outcome!.models[0]!.head, hidden: [8] })).toMatchObject({
      hidden: '8',
    });
  });
});

describe('model detail', () => {
  const state = replayed(finishedRun);

  it('gathers curves, confusion matrix, visits and this model’s tensors', () => {
    const m4 = modelDetail('m4', state, finishedDetail)!;
    expect(m4.history.map((p) => p.valAccuracy)).toEqual([0.86, 0.913]);
    expect(m4.confusion?.classNames).toEqual(['solid', 'stripes', 'dots']);
    expect(m4.visits).toEqual([
      { epoch: 1, group: 2, models: ['m4', 'm5'], shards: [1, 0] },
      { epoch: 2, group: 2, models: ['m4', 'm5'], shards: [0, 1] },
    ]);
    expect(m4.checkpoints[0]?.tensors).toEqual([
      { name: 'W0', dims: [64, 3] },
      { name: 'b0', dims: [3] },
    ]);
    expect(m4.runOver).toBe(true);
    expect(modelDetail('m9', state, finishedDetail)).toBeUndefined();
  });

  it('takes curves from the results file when the event log has none', () => {
    const fromFile = modelDetail('m4', replayed([]), finishedDetail)!;
    expect(fromFile.history).toEqual([
      { epoch: 1, trainLoss: 0.4, valLoss: 0.5, valAccuracy: 0.86 },
      { epoch: 2, trainLoss: 0.3, valLoss: 0.4, valAccuracy: 0.913 },
    ]);
  });

  it('words the config, visits and checkpoints', () => {
    const m4 = modelDetail('m4', state, finishedDetail)!;
    const config = configLines(m4, finishedDetail).map((l) => l.text.trim());
    expect(config).toContain('status          trained to the end');
    expect(config).toContain('test accuracy   90.8%');
    expect(config).toContain('metric          accuracy');
    expect(visitLines(m4).at(-1)?.text).toBe('  epoch   2  group 2  shards 0 → 1 with m5');
    expect(checkpointLines(m4).map((l) => l.text.trim())).toContain('epochs done     2');
    const running = modelDetail('m1', replayed(trainingRun), { heads: {}, visits: [], checkpoints: [] })!;
    expect(configLines(running, undefined).map((l) => l.text.trim())).toContain('status          training');
    expect(visitLines(running)[0]?.muted).toBe(true);
    expect(checkpointLines(running)[0]?.text).toBe('no checkpoint holds this model yet');
  });

  it('confusion statistics: recall per class and overall accuracy', () => {
    expect(
      confusionStats([
        [3, 1],
        [0, 0],
      ]),
    ).toEqual({ recall: [0.75, undefined], accuracy: 0.75 });
    expect(confusionStats([])).toEqual({ recall: [], accuracy: undefined });
  });
});
