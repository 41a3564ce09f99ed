import { describe, expect, it } from 'vitest';
import { rungs, successiveHalving } from '../../src/train/search/halving.js';
import { HEAD_DEFAULTS } from '../../src/train/search/head-values.js';
import type { ModelRecord } from '../../src/train/mop/model-record.js';

/** A model whose validation accuracy after each epoch is given. */
function model(index: number, accuracies: number[], status: ModelRecord['status'] = 'active'): ModelRecord {
  return {
    index,
    id: `m${index}`,
    featureSet: 's',
    layer: 'l',
    head: HEAD_DEFAULTS,
    status,
    startEpoch: 0,
    origin: { kind: 'search' },
    history: accuracies.map((a, e) => ({
      epoch: e + 1,
      trainLoss: 1,
      trainAccuracy: a,
      valLoss: 1 - a,
      valAccuracy: a,
      valMacroF1: a / 2,
    })),
  };
}

describe('successive halving (ASHA)', () => {
  it('places rungs at 1, η, η², … epochs below the last', () => {
    expect(rungs(3, 10)).toEqual([1, 3, 9]);
    expect(rungs(2, 4)).toEqual([1, 2]);
    expect(rungs(3, 1)).toEqual([]);
  });

  it('keeps the top 1/η of the models that reached a rung, by the ranking metric', () => {
    const models = [0.5, 0.9, 0.7, 0.6, 0.8, 0.4].map((a, i) => model(i, [a]));
    expect(successiveHalving(models, 3, 9, 'accuracy')).toEqual({
      halt: ['m0', 'm2', 'm3', 'm5'],
      promote: [],
    });
    // at least one model always goes on
    expect(successiveHalving(models.slice(0, 2), 3, 9, 'accuracy').halt).toEqual(['m0']);
    // models past the rung are not judged again
    expect(successiveHalving([model(0, [0.1, 0.2]), model(1, [0.9, 0.9])], 3, 9, 'accuracy').halt).toEqual(
      [],
    );
  });

  it('promotes a halted model once enough later models rank below it, and never moves stopped ones', () => {
    const early = [model(0, [0.9]), model(1, [0.5], 'halted'), model(2, [0.4], 'halted')];
    // three models added later reach rung 1 below m1: 6 at the rung → top 2 go on
    const later = [model(3, [0.3]), model(4, [0.2]), model(5, [0.1])];
    expect(successiveHalving([...early, ...later], 3, 9, 'accuracy')).toEqual({
      halt: ['m3', 'm4', 'm5'],
      promote: ['m1'],
    });
    const stopped = [model(0, [0.1], 'stopped'), model(1, [0.9], 'stopped'), model(2, [0.5])];
    expect(successiveHalving(stopped, 3, 9, 'accuracy')).toEqual({ halt: ['m2'], promote: [] });
  });
});
