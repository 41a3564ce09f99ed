import { describe, expect, it } from 'vitest';
import type { LinearHeadConfig } from '../../src/train/heads/head-config.js';
import { learningRate } from '../../src/train/heads/lr-schedule.js';

const head: LinearHeadConfig = {
  type: 'linear',
  lr: 0.1,
  l2: 0,
  batchSize: 8,
  momentum: 0,
  optimizer: 'sgd',
};

describe('learning-rate schedule', () => {
  it('is constant by default', () => {
    expect([1, 2, 5].map((e) => learningRate(head, e, 5))).toEqual([0.1, 0.1, 0.1]);
  });

  it('anneals from the full rate along a half cosine, per epoch', () => {
    const cosine = { ...head, lrSchedule: 'cosine' as const };
    expect(learningRate(cosine, 1, 4)).toBeCloseTo(0.1, 12);
    expect(learningRate(cosine, 3, 4)).toBeCloseTo(0.05, 12);
    expect(learningRate(cosine, 4, 4)).toBeCloseTo(0.1 * 0.5 * (1 + Math.cos((3 * Math.PI) / 4)), 12);
    expect(learningRate(cosine, 1, 1)).toBe(0.1);
  });
});
