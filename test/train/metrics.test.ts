import { describe, expect, it } from 'vitest';
import { accuracyOf, confusionRows, macroF1 } from '../../src/train/heads/metrics.js';
import { balancedClassWeights } from '../../src/train/heads/group-hyper.js';

describe('metrics', () => {
  // rows = true class, columns = predicted
  const confusion = [5, 1, 0, 2, 3, 0, 0, 0, 0];

  it('computes accuracy and macro-F1 like scikit-learn (classes seen in neither labels nor predictions skipped)', () => {
    expect(accuracyOf(confusion, 3)).toBeCloseTo(8 / 11, 12);
    // class 0: tp 5, support 6, predicted 7 → F1 10/13; class 1: tp 3, support 5, predicted 4 → 6/9
    expect(macroF1(confusion, 3)).toBeCloseTo((10 / 13 + 6 / 9) / 2, 12);
    expect(macroF1([0, 4, 0, 0], 2)).toBe(0); // no true positives anywhere
    expect(confusionRows(confusion, 3)).toEqual([
      [5, 1, 0],
      [2, 3, 0],
      [0, 0, 0],
    ]);
  });

  it('weighs classes inversely to their train frequency (balanced)', () => {
    expect(Array.from(balancedClassWeights([0, 0, 0, 1], 2))).toEqual([Math.fround(4 / 6), 2]);
  });
});
