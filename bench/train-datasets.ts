import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FeatureStore } from '../src/store/feature-store.js';

/**
 * Real datasets from the shared assets (../shared/assets/datasets) as feature tables, and a writer
 * that stores a table as a one-feature-set LMDB store, for the accuracy benchmark and test. Callers
 * skip cleanly when the assets are absent.
 */
export interface FeatureTable {
  name: string;
  features: Float32Array;
  dims: number;
  labels: Int32Array;
  /** 0 train, 1 validation, 2 test */
  split: Uint8Array;
  classes: number;
}

const assetsFrom = (dir: string) =>
  [
    join(dir, '..', '..', '..', 'shared', 'assets', 'datasets'),
    join(dir, '..', '..', 'shared', 'assets', 'datasets'),
  ].find(existsSync);

/** The shared datasets folder, from src or dist alike; undefined when absent. */
export function assetsDir(): string | undefined {
  return process.env.LAYERLAB_ASSETS ?? assetsFrom(import.meta.dirname);
}

/** scikit-learn's 8×8 digits (1,797 images, 64 pixel features): rows i % 5 = 3 validate, i % 5 = 4 test. */
export function loadDigits(): FeatureTable | undefined {
  const root = assetsDir();
  const path = root && join(root, 'sklearn', 'digits.csv.gz');
  if (!path || !existsSync(path)) return undefined;
  const rows = gunzipSync(readFileSync(path)).toString('utf8').trim().split('\n');
  const dims = 64;
  const features = new Float32Array(rows.length * dims);
  const labels = new Int32Array(rows.length);
  rows.forEach((line, i) => {
    const values = line.split(',').map(Number);
    features.set(values.slice(0, dims), i * dims);
    labels[i] = values[dims]!;
  });
  const split = Uint8Array.from(labels, (_, i) => (i % 5 === 3 ? 1 : i % 5 === 4 ? 2 : 0));
  return { name: 'sklearn digits (pixels)', features, dims, labels, split, classes: 10 };
}

function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rank = bytes[3]!;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { dims, data: bytes.subarray(4 + 4 * rank) };
}

/**
 * Fashion-MNIST as raw pixels (784 features, 0–255): the first 50,000 train images train, the last
 * 10,000 validate, the 10,000 t10k images test.
 */
export function loadFashionMnist(): FeatureTable | undefined {
  const root = assetsDir();
  const dir = root && join(root, 'fashion-mnist');
  if (!dir || !existsSync(join(dir, 'train-images-idx3-ubyte.gz'))) return undefined;
  const parts = ['train', 't10k'].map((prefix) => ({
    images: readIdx(join(dir, `${prefix}-images-idx3-ubyte.gz`)),
    labels: readIdx(join(dir, `${prefix}-labels-idx1-ubyte.gz`)),
  }));
  const dims = 28 * 28;
  const total = parts.reduce((n, p) => n + p.labels.data.length, 0);
  const features = new Float32Array(total * dims);
  const labels = new Int32Array(total);
  const split = new Uint8Array(total);
  let row = 0;
  parts.forEach((part, p) => {
    const n = part.labels.data.length;
    for (let i = 0; i < n; i++, row++) {
      for (let j = 0; j < dims; j++) features[row * dims + j] = part.images.data[i * dims + j]!;
      labels[row] = part.labels.data[i]!;
      split[row] = p === 1 ? 2 : i >= n - 10_000 ? 1 : 0;
    }
  });
  return { name: 'Fashion-MNIST (pixels)', features, dims, labels, split, classes: 10 };
}

/** Writes a table as a feature store with one feature set (`pixels`); returns it and a remover. */
export function writeTableStore(table: FeatureTable): {
  dir: string;
  featureSets: { key: string; layer: string }[];
  remove(): void;
} {
  const root = mkdtempSync(join(tmpdir(), 'layerlab-table-'));
  const dir = join(root, 'store');
  const records = table.labels.length;
  const store = FeatureStore.open(dir, { write: true });
  try {
    store.initialize(
      {
        formatVersion: 1,
        id: table.name,
        createdAt: new Date().toISOString(),
        model: { ref: 'identity', digest: 'identity' },
        dataset: {
          ref: table.name,
          digest: table.name,
          records,
          classNames: Array.from({ length: table.classes }, (_, c) => String(c)),
        },
        preprocessing: {},
        preprocessingDigest: 'none',
        libraryVersions: {},
      },
      { labels: table.labels, split: table.split, ids: Array.from({ length: records }, (_, i) => String(i)) },
    );
    const batchSize = 1024;
    const batches = Math.ceil(records / batchSize);
    store.beginFeatureSet({
      key: 'pixels',
      layer: 'pixels',
      point: 'input',
      pooling: 'none',
      dims: table.dims,
      dtype: 'float32',
      records,
      batchSize,
      batches,
      complete: false,
      createdAt: new Date().toISOString(),
    });
    for (let b = 0; b < batches; b++) {
      const rows = Math.min(batchSize, records - b * batchSize);
      const values = table.features.slice(b * batchSize * table.dims, (b * batchSize + rows) * table.dims);
      store.writeBatch(b, [{ key: 'pixels', values, rows, dims: table.dims }]);
    }
    store.completeFeatureSet('pixels');
  } finally {
    store.close();
  }
  return {
    dir,
    featureSets: [{ key: 'pixels', layer: 'pixels' }],
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Train-split standardization exactly as the head graphs apply it (float32 statistics), in float64 rows. */
export function standardizedRows(
  table: FeatureTable,
  mean: Float32Array,
  std: Float32Array,
  which: number,
): { x: Float64Array; y: Int32Array } {
  const rows: number[] = [];
  table.split.forEach((s, i) => s === which && rows.push(i));
  const x = new Float64Array(rows.length * table.dims);
  rows.forEach((r, i) => {
    for (let j = 0; j < table.dims; j++)
      x[i * table.dims + j] = (table.features[r * table.dims + j]! - mean[j]!) / std[j]!;
  });
  return { x, y: Int32Array.from(rows, (r) => table.labels[r]!) };
}
