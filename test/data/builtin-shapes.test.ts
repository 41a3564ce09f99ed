import { describe, expect, it } from 'vitest';
import { renderShapeRecord, shapeLabelSetNames, shapeLabelSets } from '../../datasets/shapes.js';
import { isLayerlabError } from '../../src/core/errors.js';
import {
  builtinDataset,
  builtinDatasetNames,
  demoDatasetSeed,
  demoLabelSet,
} from '../../src/data/builtin-shapes.js';
import { Split } from '../../src/data/split.js';

describe('builtinDataset', () => {
  it('serves the demo task as `shapes` and every label set as `shapes-<set>`', () => {
    expect(builtinDatasetNames()).toEqual(['shapes', ...shapeLabelSetNames.map((s) => `shapes-${s}`)]);
    const demo = builtinDataset('shapes');
    expect(demo.labelSet).toBe(demoLabelSet);
    expect(demo.digest).toBe(builtinDataset(`shapes-${demoLabelSet}`).digest);
    const colour = builtinDataset('shapes-colour', { count: 50 });
    expect(colour.classNames).toEqual(shapeLabelSets.colour);
    expect(colour.count).toBe(50);
    expect(colour.ids.slice(0, 3)).toEqual(['0', '1', '2']);
    expect(colour.labels.every((l) => l >= 0 && l < shapeLabelSets.colour.length)).toBe(true);
  });

  it('rejects unknown names with a not-found error that lists the valid ones', () => {
    const attempt = () => builtinDataset('shapes-flavour');
    expect(attempt).toThrow(/shapes-texture/);
    try {
      attempt();
    } catch (error) {
      expect(isLayerlabError(error) && error.code).toBe('NOT_FOUND');
    }
  });

  it('has a digest that is stable and changes with seed, count and label set', () => {
    const digest = builtinDataset('shapes-size', { count: 100 }).digest;
    expect(builtinDataset('shapes-size', { count: 100 }).digest).toBe(digest);
    expect(digest).toBe('aef4d771496722ad');
    expect(builtinDataset('shapes-size', { count: 101 }).digest).not.toBe(digest);
    expect(builtinDataset('shapes-size', { count: 100, seed: 1 }).digest).not.toBe(digest);
    expect(builtinDataset('shapes-noise', { count: 100 }).digest).not.toBe(digest);
  });

  it('splits deterministically into train, val and test', () => {
    const a = builtinDataset('shapes', { count: 1000 });
    expect(a.split).toEqual(builtinDataset('shapes', { count: 1000 }).split);
    const share = (s: Split) => a.split.filter((v) => v === s).length / a.count;
    expect(share(Split.train)).toBeCloseTo(0.7, 1);
    expect(share(Split.val)).toBeCloseTo(0.15, 1);
    expect(share(Split.test)).toBeCloseTo(0.15, 1);
  });

  it('renders batches as NCHW floats in [0, 1] matching the generator, in any order', () => {
    const dataset = builtinDataset('shapes', { count: 20 });
    const batch = dataset.renderBatch([4, 17, 4]);
    const plane = 32 * 32;
    expect(batch.length).toBe(3 * 3 * plane);
    expect(dataset.seed).toBe(demoDatasetSeed);
    const { pixels } = renderShapeRecord(demoDatasetSeed, 17);
    for (const p of [0, 100, 555, plane - 1]) {
      for (let c = 0; c < 3; c++)
        expect(batch[3 * plane + c * plane + p]).toBeCloseTo(pixels[p * 3 + c]! / 255, 6);
    }
    expect(batch.subarray(0, 3 * plane)).toEqual(batch.subarray(6 * plane, 9 * plane));
    expect(batch.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(dataset.renderPixels([17])).toEqual(pixels);
    expect(() => dataset.renderBatch([20])).toThrow(RangeError);
    expect(() => dataset.renderPixels([-1])).toThrow(RangeError);
  });
});
