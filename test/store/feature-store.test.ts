import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from '../../src/store/batch-codec.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import type { FeatureSetManifest, StoreManifest } from '../../src/store/manifest.js';
import { Rng } from '../../src/core/random.js';

const manifest: StoreManifest = {
  formatVersion: 1,
  id: 'test',
  createdAt: '2026-01-01T00:00:00.000Z',
  model: { ref: 'm', digest: 'md' },
  dataset: { ref: 'd', digest: 'dd', records: 10, classNames: ['x', 'y'] },
  preprocessing: {},
  preprocessingDigest: 'pd',
  libraryVersions: {},
};

function set(key: string, dims: number): FeatureSetManifest {
  return {
    key,
    layer: key,
    point: key,
    pooling: 'mean',
    dims,
    dtype: 'float32',
    records: 10,
    batchSize: 4,
    batches: 3,
    complete: false,
    createdAt: '',
  };
}

describe('feature store', () => {
  it('round-trips features exactly, batch by batch, across reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-store-'));
    const rng = new Rng(1);
    const a = Float32Array.from({ length: 10 * 3 }, () => rng.normal());
    const b = Float32Array.from({ length: 10 * 5 }, () => rng.normal() * 1e6);
    const store = FeatureStore.open(dir, { write: true });
    store.initialize(manifest, {
      labels: Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]),
      split: new Uint8Array(10),
      ids: [...'abcdefghij'],
    });
    store.beginFeatureSet(set('a', 3));
    store.beginFeatureSet(set('b', 5));
    for (let batch = 0; batch < 3; batch++) {
      const rows = Math.min(4, 10 - batch * 4);
      store.writeBatch(batch, [
        { key: 'a', values: a.slice(batch * 12, batch * 12 + rows * 3), rows, dims: 3 },
        { key: 'b', values: b.slice(batch * 20, batch * 20 + rows * 5), rows, dims: 5 },
      ]);
    }
    expect(store.storedBatches('a')).toBe(3);
    store.completeFeatureSet('a');
    store.completeFeatureSet('b');
    store.close();

    const reader = FeatureStore.open(dir, { write: false });
    expect(Array.from(reader.readFeatures('a'))).toEqual(Array.from(a));
    expect(Array.from(reader.readFeatures('b'))).toEqual(Array.from(b));
    expect(reader.verifyFeatureSet('a')).toEqual([]);
    expect(reader.records().ids.join('')).toBe('abcdefghij');
    expect(reader.featureSets().map((s) => s.key)).toEqual(['a', 'b']);
    reader.close();
  });

  it('lets one writer in at a time, names the holder, and replaces a dead holder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-store-'));
    FeatureStore.open(dir, { write: true }).close();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(
        join(dir, 'writer.lock'),
        JSON.stringify({ pid: holder.pid, host: hostname(), command: 'other extract', since: 'now' }),
      );
      expect(() => FeatureStore.open(dir, { write: true })).toThrow(`being written by pid ${holder.pid}`);
      expect(() => FeatureStore.open(dir, { write: true })).toThrow(
        expect.objectContaining({ exitCode: 73 }) as Error,
      );
      // Readers never wait for the writer.
      FeatureStore.open(dir, { write: false }).close();
    } finally {
      holder.kill('SIGKILL');
    }
    writeFileSync(
      join(dir, 'writer.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: 'dead', since: 'then' }),
    );
    const store = FeatureStore.open(dir, { write: true });
    expect(existsSync(join(dir, 'writer.lock'))).toBe(true);
    store.close();
    expect(existsSync(join(dir, 'writer.lock'))).toBe(false);
  });

  it('encodes float16 batches within half precision', () => {
    const values = Float32Array.from([0, 1, -2.5, 65504, 1e-5, 3.14159]);
    const decoded = decodeBatch(encodeBatch(values, 2, 3, 'float16'));
    expect(decoded.dtype).toBe('float16');
    decoded.values.forEach((v, i) =>
      expect(Math.abs(v - values[i]!)).toBeLessThanOrEqual(Math.abs(values[i]!) * 1e-3 + 1e-7),
    );
  });
});

describe('feature store row reads', () => {
  it('reads any rows in any order, equal to slicing the whole set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-store-'));
    const rng = new Rng(5);
    const all = Float32Array.from({ length: 10 * 3 }, () => rng.normal());
    const store = FeatureStore.open(dir, { write: true });
    store.initialize(manifest, {
      labels: new Int32Array(10),
      split: new Uint8Array(10),
      ids: [...'abcdefghij'],
    });
    store.beginFeatureSet(set('a', 3));
    for (let batch = 0; batch < 3; batch++) {
      const rows = Math.min(4, 10 - batch * 4);
      store.writeBatch(batch, [
        { key: 'a', values: all.slice(batch * 12, batch * 12 + rows * 3), rows, dims: 3 },
      ]);
    }
    store.completeFeatureSet('a');
    const rows = [9, 0, 5, 5, 3];
    const expected = rows.flatMap((r) => Array.from(all.subarray(r * 3, r * 3 + 3)));
    expect(Array.from(store.readRows('a', rows))).toEqual(expected);
    expect(() => store.readRows('a', [10])).toThrow(RangeError);
    store.close();
  });

  it('copies runs of consecutive rows across batch boundaries, in float32 and float16 sets alike', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-store-'));
    const rng = new Rng(6);
    const all = Float32Array.from({ length: 10 * 3 }, () => rng.normal());
    const store = FeatureStore.open(dir, { write: true });
    store.initialize(manifest, {
      labels: new Int32Array(10),
      split: new Uint8Array(10),
      ids: [...'abcdefghij'],
    });
    store.beginFeatureSet(set('f32', 3));
    store.beginFeatureSet({ ...set('f16', 3), dtype: 'float16' });
    for (let batch = 0; batch < 3; batch++) {
      const rows = Math.min(4, 10 - batch * 4);
      const values = all.slice(batch * 12, batch * 12 + rows * 3);
      store.writeBatch(batch, [
        { key: 'f32', values, rows, dims: 3 },
        { key: 'f16', values, rows, dims: 3, dtype: 'float16' },
      ]);
    }
    store.completeFeatureSet('f32');
    store.completeFeatureSet('f16');
    // runs 2..6 (across batches 0 and 1), 8..9, then rows that repeat and go backwards
    const rows = [2, 3, 4, 5, 6, 8, 9, 0, 7, 7, 6, 1];
    const expected = rows.flatMap((r) => Array.from(all.subarray(r * 3, r * 3 + 3)));
    expect(Array.from(store.readRows('f32', rows))).toEqual(expected);
    const halves = store.readRows('f16', Int32Array.from(rows));
    expect(Array.from(halves)).toEqual(
      Array.from(decodeBatch(encodeBatch(Float32Array.from(expected), rows.length, 3, 'float16')).values),
    );
    store.close();
  });
});

describe('feature store remap', () => {
  it('keeps every committed batch across a remap of the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-store-'));
    const store = FeatureStore.open(dir, { write: true });
    store.initialize(manifest, {
      labels: new Int32Array(10),
      split: new Uint8Array(10),
      ids: [...'abcdefghij'],
    });
    store.beginFeatureSet(set('a', 2));
    const values = Float32Array.from({ length: 20 }, (_, i) => i);
    await store.commitBatch(0, [{ key: 'a', values: values.subarray(0, 8), rows: 4, dims: 2 }]);
    await store.remap();
    await store.commitBatch(1, [{ key: 'a', values: values.subarray(8, 16), rows: 4, dims: 2 }]);
    await store.commitBatch(2, [{ key: 'a', values: values.subarray(16), rows: 2, dims: 2 }]);
    store.completeFeatureSet('a');
    expect(Array.from(store.readFeatures('a'))).toEqual(Array.from(values));
    store.close();
  });
});
