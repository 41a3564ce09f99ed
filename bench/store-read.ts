/**
 * Sequential read throughput of a stored feature set: a 256 MiB float32 set (and its float16 twin)
 * written through the store's own batch commits, then read back whole with `readFeatures` (one copy
 * from LMDB's memory map into one Float32Array, fresh or reused) and as a training shard with
 * `readRows` (every other row). Reported in GB/s of float32 delivered; best of 5 reads, file in the
 * page cache. memcpy on the same machine, measured here too, is the ceiling.
 * Run: npm run build && node dist/bench/store-read.js
 */
import { join } from 'node:path';
import { Rng } from '../src/core/random.js';
import type { StorageDtype } from '../src/store/batch-codec.js';
import { FeatureStore } from '../src/store/feature-store.js';
import { recordResult, round, scratch } from './extract-common.js';

const RECORDS = 131_072;
const DIMS = 512;
const BATCH = 256;

// Random values made once: the timed writes measure the store, not the random number generator.
const rng = new Rng(1);
const batchValues = Array.from({ length: 8 }, () =>
  Float32Array.from({ length: BATCH * DIMS }, () => rng.normal()),
);

async function writeSet(store: FeatureStore, key: string, dtype: StorageDtype) {
  const batches = RECORDS / BATCH;
  store.beginFeatureSet({
    key,
    layer: key,
    point: key,
    pooling: 'mean',
    dims: DIMS,
    dtype,
    records: RECORDS,
    batchSize: BATCH,
    batches,
    complete: false,
    createdAt: new Date().toISOString(),
  });
  const pending: Promise<void>[] = [];
  for (let b = 0; b < batches; b++) {
    pending.push(
      store.commitBatch(b, [{ key, values: batchValues[b % 8]!, rows: BATCH, dims: DIMS }], dtype),
    );
    if (pending.length >= 2) await pending.shift();
  }
  await Promise.all(pending);
  store.completeFeatureSet(key);
}

function best(times: number, fn: () => number): number {
  let fastest = Infinity;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    fn();
    fastest = Math.min(fastest, (performance.now() - started) / 1000);
  }
  return fastest;
}

const dir = join(scratch('layerlab-bench-read-'), 'store');
const writer = FeatureStore.open(dir, { write: true });
writer.initialize(
  {
    formatVersion: 2,
    id: 'bench',
    createdAt: new Date().toISOString(),
    model: { ref: 'bench', digest: 'bench' },
    dataset: { ref: 'bench', digest: 'bench', records: RECORDS, classNames: ['a'] },
    preprocessing: {},
    preprocessingDigest: 'bench',
    libraryVersions: {},
  },
  {
    labels: new Int32Array(RECORDS),
    split: new Uint8Array(RECORDS),
    ids: Array.from({ length: RECORDS }, (_, i) => String(i)),
  },
);
const writeStarted = performance.now();
await writeSet(writer, 'f32', 'float32');
const writeSeconds = (performance.now() - writeStarted) / 1000;
await writeSet(writer, 'f16', 'float16');
writer.close();

const reader = FeatureStore.open(dir, { write: false });
const bytes = RECORDS * DIMS * 4;
const shard = Int32Array.from({ length: RECORDS / 2 }, (_, i) => i * 2);
const gbps = (seconds: number, delivered: number) => round(delivered / seconds / 1e9, 2);
const reused = new Float32Array(RECORDS * DIMS);
const read = (times: number, fn: () => unknown, delivered = bytes) =>
  gbps(
    best(times, () => (fn(), 0)),
    delivered,
  );
const result = {
  setup: { records: RECORDS, dims: DIMS, batchSize: BATCH, float32MiB: bytes / 2 ** 20 },
  writeGBps: gbps(writeSeconds, bytes),
  float32: {
    // into a fresh array: includes the page faults of 256 MiB of new memory
    readFeaturesGBps: read(5, () => reader.readFeatures('f32')),
    // into a buffer reused across reads (a worker re-reading its rows)
    readFeaturesIntoGBps: read(5, () => reader.readFeatures('f32', reused)),
    readRowsShardGBps: read(5, () => reader.readRows('f32', shard), bytes / 2),
  },
  float16: {
    readFeaturesIntoGBps: read(3, () => reader.readFeatures('f16', reused)),
  },
};
reader.close();
const src = new Uint8Array(bytes).fill(1);
const dst = new Uint8Array(bytes).fill(2);
recordResult('store-read', {
  ...result,
  memcpyGBps: read(3, () => dst.set(src)),
});
