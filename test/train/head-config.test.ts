import { describe, expect, it } from 'vitest';
import { headLabel, shortNumber, type LinearHeadConfig } from '../../src/train/head-config.js';

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
});
