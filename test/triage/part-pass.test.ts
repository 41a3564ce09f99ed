import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { addRows, emptyMoments } from '../../src/triage/moments.js';
import { partMoments, partScalingSums } from '../../src/triage/part-pass.js';
import { passKernel } from '../../src/triage/pass-kernel.js';
import { scoreFeatureSets } from '../../src/triage/score-feature-sets.js';
import { randomProjection } from '../../src/triage/project.js';
import { CHUNK_ROWS, scalingOf, transformChunk } from '../../src/triage/read-moments.js';

const RECORDS = 5000;
const BATCH = 128;
const CLASSES = 3;
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A real store of one `dims`-wide set over RECORDS rows in batches of BATCH, as extraction writes. */
function storeWith(dims: number, dtype: 'float32' | 'float16') {
  const dir = mkdtempSync(join(tmpdir(), 'layerlab-part-pass-'));
  dirs.push(dir);
  const rng = new Rng(9);
  // offsets and scales per feature, so the scaling matters
  const values = Float32Array.from(
    { length: RECORDS * dims },
    (_, i) => 3 + (i % dims) + rng.normal() * (1 + (i % 5)),
  );
  const labels = Int32Array.from({ length: RECORDS }, () => Math.floor(rng.next() * CLASSES));
  const store = FeatureStore.open(dir, { write: true });
  store.initialize(
    {
      formatVersion: 1,
      id: 'part-pass',
      createdAt: '2026-01-01T00:00:00.000Z',
      model: { ref: 'm', digest: 'md' },
      dataset: { ref: 'd', digest: 'dd', records: RECORDS, classNames: ['a', 'b', 'c'] },
      preprocessing: {},
      preprocessingDigest: 'pd',
      libraryVersions: {},
    },
    { labels, split: new Uint8Array(RECORDS), ids: Array.from({ length: RECORDS }, String) },
  );
  const batches = Math.ceil(RECORDS / BATCH);
  store.beginFeatureSet({
    key: 'a',
    layer: 'a',
    point: 'a',
    pooling: 'mean',
    dims,
    dtype,
    records: RECORDS,
    batchSize: BATCH,
    batches,
    complete: false,
    createdAt: '',
  });
  for (let b = 0; b < batches; b++) {
    const rows = Math.min(BATCH, RECORDS - b * BATCH);
    const slice = values.slice(b * BATCH * dims, (b * BATCH + rows) * dims);
    store.writeBatch(b, [{ key: 'a', values: slice, rows, dims, dtype }]);
  }
  store.completeFeatureSet('a');
  store.close();
  return { store: FeatureStore.open(dir, { write: false }), labels, dir };
}

/** The passes in plain JavaScript over the rows as `readRows` returns them: the reference. */
function reference(store: FeatureStore, rows: Int32Array, dims: number, labels: Int32Array, to: number) {
  const x = store.readRows('a', rows);
  const shift = Float64Array.from(x.subarray(0, dims));
  const sum = new Float64Array(dims);
  const squares = new Float64Array(dims);
  for (let r = 0; r < rows.length; r++)
    for (let d = 0; d < dims; d++) {
      const v = x[r * dims + d]! - shift[d]!;
      sum[d] = sum[d]! + v;
      squares[d] = squares[d]! + v * v;
    }
  const scaling = scalingOf([{ sum, squares }], shift, rows.length);
  const projection = randomProjection(dims, to, 1);
  const z = transformChunk(x, rows.length, scaling, projection);
  const m = emptyMoments(projection.to, CLASSES, true);
  addRows(
    m,
    z,
    Array.from(rows, (r) => labels[r]!),
    rows.length,
  );
  return { shift, sums: { sum, squares }, scaling, projection, moments: m };
}

describe('triage part passes (WebAssembly over whole batches)', () => {
  // every third row left out, so the rows come in short runs across many batches, more than a chunk
  const picked = Int32Array.from({ length: RECORDS }, (_, i) => i).filter((r) => r % 3 !== 1);

  it.each([
    ['float32, projected 24 → 8', 24, 'float32', 8],
    ['float32, not projected', 12, 'float32', 64],
    ['float16, projected 24 → 8', 24, 'float16', 8],
  ] as const)('%s: the sums and moments equal the plain loops bit for bit', (_, dims, dtype, to) => {
    expect(picked.length).toBeGreaterThan(CHUNK_ROWS);
    const { store, labels } = storeWith(dims, dtype);
    try {
      const want = reference(store, picked, dims, labels, to);
      const sums = partScalingSums(store, 'a', picked, want.shift);
      expect(sums.sum).toEqual(want.sums.sum);
      expect(sums.squares).toEqual(want.sums.squares);
      const transform = { scaling: want.scaling, projection: want.projection };
      const got = partMoments(store, 'a', picked, labels, CLASSES, transform, true);
      expect(got).toEqual(want.moments);
      expect(got.count).toBe(picked.length);
    } finally {
      store.close();
    }
  });

  it('takes rows in any order, batches visited again as the rows return to them', () => {
    const { store, labels } = storeWith(10, 'float32');
    try {
      const shuffled = Int32Array.from(picked.slice(0, 900).reverse());
      const want = reference(store, shuffled, 10, labels, 64);
      expect(partScalingSums(store, 'a', shuffled, want.shift)).toEqual(want.sums);
      const transform = { scaling: want.scaling, projection: want.projection };
      expect(partMoments(store, 'a', shuffled, labels, CLASSES, transform, true)).toEqual(want.moments);
    } finally {
      store.close();
    }
  });

  it('drops the kernels and the memory they grew once a triage is over', () => {
    const { store, labels, dir } = storeWith(400, 'float32');
    try {
      const scaling = { mean: new Float64Array(400), std: new Float64Array(400).fill(1) };
      const transform = { scaling, projection: randomProjection(400, 64, 1) };
      partMoments(store, 'a', picked, labels, CLASSES, transform, false);
      const used = passKernel();
      // a chunk of 2,048 scaled rows of 400 float64 values, and more
      expect(used.memory.buffer.byteLength).toBeGreaterThan(CHUNK_ROWS * 400 * 8);
      expect(passKernel()).toBe(used); // kept between the passes of one triage
      scoreFeatureSets(dir, [{ key: 'a', layer: 'a' }], { method: 'logme' });
      const fresh = passKernel();
      expect(fresh).not.toBe(used);
      expect(fresh.memory.buffer.byteLength).toBeLessThan(1 << 20);
    } finally {
      store.close();
    }
  });

  it('refuses a label outside the classes', () => {
    const { store } = storeWith(6, 'float32');
    try {
      const bad = new Int32Array(RECORDS).fill(CLASSES);
      const scaling = { mean: new Float64Array(6), std: new Float64Array(6).fill(1) };
      const transform = { scaling, projection: randomProjection(6, 64, 1) };
      expect(() => partMoments(store, 'a', picked, bad, CLASSES, transform, false)).toThrow(
        /label 3 is outside/,
      );
    } finally {
      store.close();
    }
  });
});
