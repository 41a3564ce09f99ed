import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportFeatures } from '../../src/store/export-features.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { parseDerivedView, resolveView } from '../../src/store/feature-view.js';
import { npyHeader } from '../../src/store/npy-writer.js';
import { tempDir } from '../data/write-datasets.js';
import { extractedStore } from './store-fixture.js';

/** A minimal .npy reader: header dict and the data bytes. */
function readNpy(path: string) {
  const bytes = readFileSync(path);
  expect(Array.from(bytes.subarray(0, 6))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
  const headerLength = bytes.readUInt16LE(8);
  expect((10 + headerLength) % 64).toBe(0);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const shape = /'shape': \(([^)]*)\)/
    .exec(header)![1]!
    .split(',')
    .filter((s) => s.trim())
    .map(Number);
  const descr = /'descr': '([^']+)'/.exec(header)![1]!;
  const data = bytes.subarray(10 + headerLength);
  const copy = new Uint8Array(data).buffer;
  const values =
    descr === '<f4'
      ? Array.from(new Float32Array(copy))
      : descr === '<i8'
        ? Array.from(new BigInt64Array(copy), Number)
        : Array.from(new Uint8Array(copy));
  return { descr, shape, values };
}

describe('export and derived views', () => {
  let storeDir: string;
  let labels: Uint8Array;
  let ids: string[];
  let split: Uint8Array;
  beforeAll(async () => {
    const made = await extractedStore();
    storeDir = made.storeDir;
    labels = made.labels;
    ids = [...made.dataset.ids];
    split = made.dataset.split;
  });

  it('writes features.npy, labels.npy, split.npy and meta.json in canonical order', async () => {
    const out = tempDir('layerlab-export-');
    const store = FeatureStore.open(storeDir, { write: false });
    const summary = await exportFeatures(store, { layer: 'block2/relu', format: 'npy', out });
    const expected = Array.from(
      store.readFeatures(store.featureSets().find((s) => s.layer === 'block2/relu')!.key),
    );
    store.close();
    expect(summary).toMatchObject({ rows: 30, dims: 6, layer: 'block2/relu' });
    const features = readNpy(join(out, 'features.npy'));
    expect(features.descr).toBe('<f4');
    expect(features.shape).toEqual([30, 6]);
    expect(features.values).toEqual(expected);
    const labelsNpy = readNpy(join(out, 'labels.npy'));
    expect(labelsNpy).toMatchObject({ descr: '<i8', shape: [30] });
    expect(labelsNpy.values).toEqual(Array.from(labels));
    expect(readNpy(join(out, 'split.npy'))).toMatchObject({ descr: '|u1', values: Array.from(split) });
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({
      layer: 'block2/relu',
      pooling: 'mean',
      dims: 6,
      labelNames: ['0', '1', '2'],
    });
    expect(meta.ids).toEqual(ids);
    expect((meta.ids as string[])[0]).toBe('train-images-idx3-ubyte:0');
  });

  it('writes the same columns as CSV', async () => {
    const out = tempDir('layerlab-export-');
    const store = FeatureStore.open(storeDir, { write: false });
    await exportFeatures(store, { layer: 'head/logits', format: 'csv', out });
    const logits = store.readFeatures(store.featureSets().find((s) => s.layer === 'head/logits')!.key);
    store.close();
    const lines = readFileSync(join(out, 'features.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,label,split,f0,f1,f2');
    expect(lines).toHaveLength(31);
    const first = lines[1]!.split(',');
    expect(first.slice(0, 3)).toEqual([ids[0], String(labels[0]), String(split[0])]);
    expect(first.slice(3).map(Number).map(Math.fround)).toEqual(Array.from(logits.subarray(0, 3)));
  });

  it('derives sum, mean and concat of the last K pooled layers from the stored vectors', () => {
    const store = FeatureStore.open(storeDir, { write: false });
    const read = (layer: string) =>
      store.readFeatures(store.featureSets().find((s) => s.layer === layer)!.key);
    const rows = Int32Array.from({ length: 30 }, (_, i) => i);
    const b2 = read('block2/relu');
    const pool = read('head/pool');
    const sum = resolveView(store, 'sum(last:2)', 'head/pool');
    expect(sum.sets.map((s) => s.layer)).toEqual(['block2/relu', 'head/pool']);
    expect(Array.from(sum.readRows(rows))).toEqual(Array.from(b2, (v, i) => Math.fround(v + pool[i]!)));
    const mean = resolveView(store, 'mean(last:2)', 'head/pool');
    expect(Array.from(mean.readRows(rows))).toEqual(
      Array.from(b2, (v, i) => Math.fround(Math.fround(v + pool[i]!) / 2)),
    );
    const concat = resolveView(store, 'concat(last:3)');
    expect(concat.sets.map((s) => s.layer)).toEqual(['head/pool', 'head/flat', 'head/logits']);
    expect(concat.dims).toBe(15);
    expect(Array.from(concat.readRows([4]))).toEqual([
      ...Array.from(pool.subarray(24, 30)),
      ...Array.from(read('head/flat').subarray(24, 30)),
      ...Array.from(read('head/logits').subarray(12, 15)),
    ]);
    expect(() => resolveView(store, 'sum(last:2)')).toThrow(/equal dims.*concat\(last:2\)/);
    expect(() => resolveView(store, 'sum(last:9)')).toThrow(/needs 9 stored layers/);
    expect(() => resolveView(store, 'nope')).toThrow(/no feature set nope/);
    store.close();
    expect(parseDerivedView('concat(last:4)')).toEqual({ combine: 'concat', last: 4 });
    expect(parseDerivedView('block2/relu')).toBeUndefined();
  });

  it('exports a derived view, leaving no temporary files', async () => {
    const out = tempDir('layerlab-export-');
    const store = FeatureStore.open(storeDir, { write: false });
    const summary = await exportFeatures(store, { view: 'concat(last:2)', format: 'npy', out });
    store.close();
    expect(summary).toMatchObject({ layer: 'concat(last:2)', dims: 9 });
    expect(readNpy(join(out, 'features.npy')).shape).toEqual([30, 9]);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(out).sort()).toEqual(['features.npy', 'labels.npy', 'meta.json', 'split.npy']);
  });

  it('pads .npy headers to 64 bytes', () => {
    for (const shape of [[1], [10, 3], [123456, 7890]]) expect(npyHeader('<f4', shape).length % 64).toBe(0);
  });
});
