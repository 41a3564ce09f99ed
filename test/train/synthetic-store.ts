import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/random.js';
import { FeatureStore } from '../../src/store/feature-store.js';

export interface SyntheticStore {
  dir: string;
  featureSets: { key: string; layer: string }[];
  records: number;
}

/**
 * A real LMDB feature store of Gaussian blobs: `classes` classes, split 60/20/20 train/val/test, and
 * one feature set per entry of `dims` (with a large offset, so standardization matters), each a
 * different random projection of the same class centres plus noise.
 */
export function createSyntheticStore(
  options: { records?: number; classes?: number; dims?: number[]; seed?: number } = {},
): SyntheticStore {
  const { records = 300, classes = 3, dims = [6, 12], seed = 1 } = options;
  const rng = new Rng(seed);
  const dir = join(mkdtempSync(join(tmpdir(), 'layerlab-train-')), 'store');
  const labels = Int32Array.from({ length: records }, (_, i) => i % classes);
  const split = Uint8Array.from({ length: records }, () => {
    const u = rng.next();
    return u < 0.6 ? 0 : u < 0.8 ? 1 : 2;
  });
  const store = FeatureStore.open(dir, { write: true });
  try {
    store.initialize(
      {
        formatVersion: 1,
        id: 'synthetic',
        createdAt: '2026-01-01T00:00:00.000Z',
        model: { ref: 'builtin:synthetic', digest: 'model' },
        dataset: {
          ref: 'builtin:blobs',
          digest: 'data',
          records,
          classNames: Array.from({ length: classes }, (_, c) => `c${c}`),
        },
        preprocessing: {},
        preprocessingDigest: 'pre',
        libraryVersions: {},
      },
      { labels, split, ids: Array.from({ length: records }, (_, i) => String(i)) },
    );
    const featureSets = dims.map((d, s) => ({ key: `set${s}`, layer: `layer${s}` }));
    const batchSize = 64;
    const batches = Math.ceil(records / batchSize);
    dims.forEach((d, s) => {
      const centres = Array.from({ length: classes }, () =>
        Array.from({ length: d }, () => rng.normal() * 2),
      );
      const values = new Float32Array(records * d);
      for (let i = 0; i < records; i++)
        for (let j = 0; j < d; j++) values[i * d + j] = 100 + centres[labels[i]!]![j]! + rng.normal();
      store.beginFeatureSet({
        key: featureSets[s]!.key,
        layer: featureSets[s]!.layer,
        point: featureSets[s]!.layer,
        pooling: 'mean',
        dims: d,
        dtype: 'float32',
        records,
        batchSize,
        batches,
        complete: false,
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      for (let b = 0; b < batches; b++) {
        const rows = Math.min(batchSize, records - b * batchSize);
        store.writeBatch(b, [
          {
            key: featureSets[s]!.key,
            values: values.slice(b * batchSize * d, (b * batchSize + rows) * d),
            rows,
            dims: d,
          },
        ]);
      }
      store.completeFeatureSet(featureSets[s]!.key);
    });
    return { dir, featureSets, records };
  } finally {
    store.close();
  }
}
