import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/random.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import type { StoreGroups } from '../../src/store/feature-store.js';

/**
 * A real LMDB store whose groups have different tasks: record i belongs to group i mod 4 (plus a tiny
 * fifth group, below any sensible minimum); groups 0 and 1 label a record by the sign of signal 0,
 * groups 2 and 3 by the sign of signal 2, and groups 1 and 3 flip the rule. Signals 0 and 1 are stored
 * in feature set `early`, 2 and 3 in `late` (each with two noise features), so a head per group is
 * near perfect on its group's layer, the best layer differs between groups, and one shared head, told
 * opposite rules for the same features, is near chance.
 */
export function createGroupedStore(records = 800): {
  dir: string;
  featureSets: { key: string; layer: string }[];
  groups: StoreGroups;
} {
  const rng = new Rng(3);
  const dir = join(mkdtempSync(join(tmpdir(), 'layerlab-grouped-')), 'store');
  const signals = Array.from({ length: records }, () => Array.from({ length: 4 }, () => rng.normal()));
  const index = Int32Array.from({ length: records }, (_, i) => (i % 97 === 0 ? 4 : i % 4));
  // groups 0 and 1 read signal 0, groups 2 and 3 signal 2; the odd group of each pair flips the rule
  const labels = Int32Array.from(signals, (s, i) => {
    const g = index[i]! % 4;
    return s[g < 2 ? 0 : 2]! > 0 !== (g % 2 === 1) ? 1 : 0;
  });
  const split = Uint8Array.from({ length: records }, () => {
    const u = rng.next();
    return u < 0.6 ? 0 : u < 0.8 ? 1 : 2;
  });
  const groups: StoreGroups = { names: ['g0', 'g1', 'g2', 'g3', 'tiny'], index };
  const featureSets = [
    { key: 'early', layer: 'early', signals: [0, 1] },
    { key: 'late', layer: 'late', signals: [2, 3] },
  ];
  const store = FeatureStore.open(dir, { write: true });
  try {
    store.initialize(
      {
        formatVersion: 1,
        id: 'grouped',
        createdAt: '2026-01-01T00:00:00.000Z',
        model: { ref: 'builtin:synthetic', digest: 'model' },
        dataset: { ref: 'builtin:grouped-signs', digest: 'data', records, classNames: ['neg', 'pos'] },
        preprocessing: {},
        preprocessingDigest: 'pre',
        libraryVersions: {},
      },
      { labels, split, ids: Array.from({ length: records }, (_, i) => String(i)) },
      groups,
    );
    for (const set of featureSets) {
      const dims = 4;
      const values = new Float32Array(records * dims);
      for (let i = 0; i < records; i++) {
        values[i * dims] = signals[i]![set.signals[0]!]!;
        values[i * dims + 1] = signals[i]![set.signals[1]!]!;
        values[i * dims + 2] = rng.normal();
        values[i * dims + 3] = rng.normal();
      }
      store.beginFeatureSet({
        key: set.key,
        layer: set.layer,
        point: set.layer,
        pooling: 'mean',
        dims,
        dtype: 'float32',
        records,
        batchSize: records,
        batches: 1,
        complete: false,
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      store.writeBatch(0, [{ key: set.key, values, rows: records, dims }]);
      store.completeFeatureSet(set.key);
    }
  } finally {
    store.close();
  }
  return {
    dir,
    featureSets: featureSets.map(({ key, layer }) => ({ key, layer })),
    groups,
  };
}
