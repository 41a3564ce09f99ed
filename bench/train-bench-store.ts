import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/core/random.js';
import type { HeadConfig } from '../src/train/heads/head-config.js';
import { FeatureStore } from '../src/store/feature-store.js';

/** A synthetic feature store for the training benchmarks: Gaussian class blobs, 80/10/10 split. */
export interface BenchStore {
  dir: string;
  featureSets: { key: string; layer: string }[];
  records: number;
  dims: number;
  remove(): void;
}

export function createBenchStore(options: {
  records: number;
  dims: number;
  classes: number;
  sets?: number;
  seed?: number;
}): BenchStore {
  const { records, dims, classes, sets = 1, seed = 1 } = options;
  const rng = new Rng(seed);
  const root = mkdtempSync(join(tmpdir(), 'layerlab-bench-'));
  const dir = join(root, 'store');
  const labels = Int32Array.from({ length: records }, () => rng.int(classes));
  const split = Uint8Array.from({ length: records }, (_, i) => (i % 10 < 8 ? 0 : i % 10 === 8 ? 1 : 2));
  const store = FeatureStore.open(dir, { write: true });
  const featureSets = Array.from({ length: sets }, (_, s) => ({ key: `bench${s}`, layer: `layer${s}` }));
  try {
    store.initialize(
      {
        formatVersion: 1,
        id: 'bench',
        createdAt: new Date().toISOString(),
        model: { ref: 'bench:synthetic', digest: 'model' },
        dataset: {
          ref: 'bench:blobs',
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
    const batchSize = 1024;
    const batches = Math.ceil(records / batchSize);
    for (const set of featureSets) {
      const centres = Array.from({ length: classes }, () =>
        Float32Array.from({ length: dims }, () => rng.normal() * 0.3),
      );
      store.beginFeatureSet({
        key: set.key,
        layer: set.layer,
        point: set.layer,
        pooling: 'mean',
        dims,
        dtype: 'float32',
        records,
        batchSize,
        batches,
        complete: false,
        createdAt: new Date().toISOString(),
      });
      for (let b = 0; b < batches; b++) {
        const rows = Math.min(batchSize, records - b * batchSize);
        const values = new Float32Array(rows * dims);
        for (let i = 0; i < rows; i++) {
          const centre = centres[labels[b * batchSize + i]!]!;
          for (let d = 0; d < dims; d++) values[i * dims + d] = centre[d]! + rng.normal();
        }
        store.writeBatch(b, [{ key: set.key, values, rows, dims }]);
      }
      store.completeFeatureSet(set.key);
    }
  } finally {
    store.close();
  }
  return { dir, featureSets, records, dims, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** K logistic-regression heads over a grid of learning rates and L2 strengths. */
export function linearHeads(k: number, batchSize = 256): HeadConfig[] {
  return Array.from({ length: k }, (_, i) => ({
    type: 'linear',
    lr: [0.1, 0.03, 0.01, 0.003][i % 4]!,
    l2: [0, 1e-4, 1e-3, 1e-2][Math.floor(i / 4) % 4]!,
    batchSize,
    momentum: 0.9,
    optimizer: 'sgd',
  }));
}

/** Writes a benchmark's figures to bench/results/<name>.json (from the compiled dist/bench folder too). */
export function recordResult(name: string, result: object): void {
  const path = join(import.meta.dirname, '..', '..', 'bench', 'results', `${name}.json`);
  writeFileSync(path, `${JSON.stringify({ ...result, recordedAt: new Date().toISOString() }, null, 2)}\n`);
}
