import { describe, expect, it } from 'vitest';
import { axisFraction, metricAxis, niceStep } from '../../src/core/metric-axis.js';

describe('metricAxis', () => {
  it('zooms on layers that score close together, so their differences show', () => {
    // a BERT-style encoder on movie reviews: every layer between 59.1 and 61.2 %
    const axis = metricAxis([0.591, 0.6, 0.612], { chance: 0.5, unit: true });
    expect(axis.lo).toBeGreaterThan(0.55);
    expect(axis.lo).toBeLessThan(0.591);
    expect(axis.hi).toBeGreaterThanOrEqual(0.612);
    expect(axis.hi).toBeLessThan(0.65);
    expect(axis.chance).toBeUndefined(); // 50 % is off this axis
    const [low, high] = [axisFraction(axis, 0.591), axisFraction(axis, 0.612)];
    expect(high - low).toBeGreaterThan(0.4); // on 0–100 % it was 0.021
  });

  it('starts at chance level, marked, when the values are near it', () => {
    const axis = metricAxis([0.4, 0.7, 0.9], { chance: 0.1, unit: true });
    expect(axis).toMatchObject({ lo: 0.1, hi: 1, chance: 0.1 });
    expect(axisFraction(axis, 0.1)).toBe(0);
    const binary = metricAxis([0.52, 0.55, 0.6], { chance: 0.5, unit: true });
    expect(binary).toMatchObject({ lo: 0.5, chance: 0.5 });
  });

  it('puts ticks on round steps inside [0, 1] for unit metrics', () => {
    const axis = metricAxis([0.95, 0.99, 1], { chance: 0.1, unit: true });
    expect(axis.hi).toBe(1);
    expect(axis.ticks).toEqual([0.92, 0.94, 0.96, 0.98, 1]);
    expect(niceStep(0.1, 5)).toBe(0.02);
    expect(niceStep(7, 5)).toBe(2);
  });

  it('keeps learning curves off a zero baseline when asked for little room below', () => {
    const axis = metricAxis([0.71, 0.69, 0.68, 0.675], { below: 0.1 });
    expect(axis.lo).toBeGreaterThan(0.6);
    expect(axis.hi).toBeGreaterThanOrEqual(0.71);
  });

  it('survives flat, empty and non-finite series', () => {
    const flat = metricAxis([0.6, 0.6], { unit: true });
    expect(flat.hi).toBeGreaterThan(flat.lo);
    expect(axisFraction(flat, 0.6)).toBeGreaterThan(0);
    expect(metricAxis([Number.NaN])).toMatchObject({ lo: 0, hi: 1 });
    expect(axisFraction(flat, undefined)).toBe(0);
  });
});
