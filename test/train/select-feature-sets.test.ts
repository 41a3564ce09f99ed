import { describe, expect, it } from 'vitest';
import { isLayerlabError } from '../../src/core/errors.js';
import type { FeatureSetManifest } from '../../src/store/manifest.js';
import { selectFeatureSets } from '../../src/train/search/select-feature-sets.js';

const set = (
  layer: string,
  pointIndex?: number,
  extra: Partial<FeatureSetManifest> = {},
): FeatureSetManifest => ({
  key: `k-${layer}`,
  layer,
  point: layer,
  pooling: 'mean',
  dims: 4,
  dtype: 'float32',
  records: 10,
  batchSize: 10,
  batches: 1,
  complete: true,
  createdAt: '',
  ...(pointIndex === undefined ? {} : { pointIndex }),
  ...extra,
});

describe('train --layers over stored feature sets', () => {
  const stored = [
    set('block2/pool', 5),
    set('block1/pool', 2),
    set('logits', 13),
    set('block3/pool', 8),
    set('sum(last:2)'),
    set('block4/relu', 10, { complete: false }),
    set('boundary', 9, { temporary: true }),
  ];
  const layers = (selectors: string[]) => selectFeatureSets(stored, selectors).map((s) => s.layer);

  it('defaults to every complete stored set, in capture-point order (derived views last)', () => {
    expect(layers([])).toEqual(['block1/pool', 'block2/pool', 'block3/pool', 'logits', 'sum(last:2)']);
  });

  it('takes names, keys, globs, last:K, every:K and indices', () => {
    expect(layers(['logits', 'k-block1/pool'])).toEqual(['block1/pool', 'logits']);
    expect(layers(['block*'])).toEqual(['block1/pool', 'block2/pool', 'block3/pool']);
    expect(layers(['sum(last:2)'])).toEqual(['sum(last:2)']);
    expect(layers(['last:2'])).toEqual(['logits', 'sum(last:2)']);
    expect(layers(['every:2'])).toEqual(['block1/pool', 'block3/pool', 'sum(last:2)']);
    expect(layers(['0', '-1'])).toEqual(['block1/pool', 'sum(last:2)']);
  });

  it('names the stored sets when a selector matches none', () => {
    const error: unknown = (() => {
      try {
        return layers(['block4/relu']);
      } catch (e) {
        return e;
      }
    })();
    expect(isLayerlabError(error) && error.code).toBe('NOT_FOUND');
    expect((error as Error).message).toMatch(/block1\/pool, block2\/pool/);
  });
});
