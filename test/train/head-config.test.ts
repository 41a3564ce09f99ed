import { describe, expect, it } from 'vitest';
import {
  headLabel,
  headSummary,
  resolveHead,
  shortNumber,
  type LinearHeadConfig,
  type MlpHeadConfig,
} from '../../src/train/heads/head-config.js';

describe('head labels', () => {
  it('writes numbers short', () => {
    expect([0.1, 0.05, 1e-3, 1e-4, 64, 0, 2.5e-5, 100000].map(shortNumber)).toEqual([
      '0.1',
      '0.05',
      '1e-3',
      '1e-4',
      '64',
      '0',
      '2.5e-5',
      '1e5',
    ]);
  });

  it('names lr and l2, and batch size or momentum only where heads differ in them', () => {
    const a: LinearHeadConfig = {
      type: 'linear',
      lr: 0.1,
      l2: 1e-4,
      batchSize: 32,
      momentum: 0.9,
      optimizer: 'sgd',
    };
    expect(headLabel(a, [a, { ...a, lr: 0.2 }])).toBe('lr=0.1 l2=1e-4');
    expect(headLabel(a, [a, { ...a, batchSize: 64 }, { ...a, momentum: 0 }])).toBe(
      'lr=0.1 l2=1e-4 bs=32 mom=0.9',
    );
  });

  it('names the architecture, optimizer, dropout, schedule and class weighting where they vary', () => {
    const a: LinearHeadConfig = {
      type: 'linear',
      lr: 0.1,
      l2: 0,
      batchSize: 32,
      momentum: 0,
      optimizer: 'sgd',
    };
    const b: MlpHeadConfig = {
      ...a,
      type: 'mlp',
      hidden: [64, 32],
      dropout: 0.2,
      optimizer: 'adam',
      lrSchedule: 'cosine',
      classWeight: 'balanced',
    };
    expect(headLabel(a, [a, b])).toBe('linear lr=0.1 l2=0 sgd do=0 constant cw=none');
    expect(headLabel(b, [a, b])).toBe('mlp[64x32] lr=0.1 l2=0 adam do=0.2 cosine cw=balanced');
    // Adam has no momentum, a linear head no hidden layers or dropout: equal after resolving
    expect(resolveHead({ ...a, optimizer: 'adam', momentum: 0.9 })).toEqual(
      resolveHead({ ...a, optimizer: 'adam' }),
    );
    expect(headSummary('m1', b, 3)).toMatchObject({
      id: 'm1',
      type: 'mlp',
      hidden: [64, 32],
      dropout: 0.2,
      epochs: 3,
      schedule: 'cosine',
    });
  });
});
