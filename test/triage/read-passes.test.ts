import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { CHUNK_ROWS, rowChunks, rowPasses, type RowChunk } from '../../src/triage/read-moments.js';

/** A real store of one 3-wide float32 set over `records` rows, in batches of 1,000. */
function storeWith(records: number): { dir: string; values: Float32Array } {
  const dir = mkdtempSync(join(tmpdir(), 'layerlab-passes-'));
  const rng = new Rng(9);
  const values = Float32Array.from({ length: records * 3 }, () => rng.normal());
  const store = FeatureStore.open(dir, { write: true });
  store.initialize(
    {
      formatVersion: 1,
      id: 'passes',
      createdAt: '2026-01-01T00:00:00.000Z',
      model: { ref: 'm', digest: 'md' },
      dataset: { ref: 'd', digest: 'dd', records, classNames: ['x', 'y'] },
      preprocessing: {},
      preprocessingDigest: 'pd',
      libraryVersions: {},
    },
    {
      labels: new Int32Array(records),
      split: new Uint8Array(records),
      ids: Array.from({ length: records }, String),
    },
  );
  const batches = Math.ceil(records / 1000);
  store.beginFeatureSet({
    key: 'a',
    layer: 'a',
    point: 'a',
    pooling: 'mean',
    dims: 3,
    dtype: 'float32',
    records,
    batchSize: 1000,
    batches,
    complete: false,
    createdAt: '',
  });
  for (let b = 0; b < batches; b++) {
    const rows = Math.min(1000, records - b * 1000);
    store.writeBatch(b, [{ key: 'a', values: values.slice(b * 3000, b * 3000 + rows * 3), rows, dims: 3 }]);
  }
  store.completeFeatureSet('a');
  store.close();
  return { dir, values };
}

const flat = (chunks: Iterable<RowChunk>) =>
  [...chunks].map(({ x, rows }) => ({ x: Array.from(x), rows: Array.from(rows) }));

describe('triage read passes', () => {
  it('reads a set that fits once: later passes replay the first pass chunk for chunk', () => {
    const { dir } = storeWith(5000);
    const rows = Int32Array.from({ length: 2500 }, (_, i) => (i * 7) % 5000);
    const store = FeatureStore.open(dir, { write: false });
    const passes = rowPasses(store, 'a', rows, 3);
    const first = flat(passes());
    const direct = flat(rowChunks(store, 'a', rows));
    store.close();
    // the store is closed: a second pass that read it again would throw
    expect(() => flat(rowChunks(store, 'a', rows))).toThrow();
    expect(flat(passes())).toEqual(first);
    expect(first).toEqual(direct);
    expect(first.map((c) => c.rows.length)).toEqual([CHUNK_ROWS, 2500 - CHUNK_ROWS]);
  });

  it('reads the store again when the first pass stopped early (nothing partial is replayed)', () => {
    const { dir } = storeWith(3000);
    const rows = Int32Array.from({ length: 3000 }, (_, i) => i);
    const store = FeatureStore.open(dir, { write: false });
    try {
      const passes = rowPasses(store, 'a', rows, 3);
      for (const chunk of passes()) {
        expect(chunk.rows.length).toBe(CHUNK_ROWS);
        break;
      }
      expect(flat(passes())).toEqual(flat(rowChunks(store, 'a', rows)));
    } finally {
      store.close();
    }
  });
});
