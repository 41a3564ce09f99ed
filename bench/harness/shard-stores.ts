import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { FeatureStore } from '../../src/store/feature-store.js';

/**
 * Test and bench helper (the cluster contract's item 4, until `extract --cluster` lands): writes the records
 * `rows` (record indices of `sourceDir`, ascending) as a normal local feature store at `destDir`,
 * the layout a host keeps under HOME/cluster/STORE/shard-K: same manifest and feature sets, the
 * records in their source order.
 */
export function writeShardStore(sourceDir: string, destDir: string, rows: Int32Array): void {
  const sorted = Int32Array.from(rows).sort();
  const source = FeatureStore.open(sourceDir, { write: false });
  mkdirSync(dirname(destDir), { recursive: true });
  const dest = FeatureStore.open(destDir, { write: true });
  try {
    const manifest = source.manifest()!;
    const table = source.records({ markSkipped: false });
    dest.initialize(
      { ...manifest, dataset: { ...manifest.dataset, records: sorted.length } },
      {
        labels: Int32Array.from(sorted, (r) => table.labels[r]!),
        split: Uint8Array.from(sorted, (r) => table.split[r]!),
        ids: Array.from(sorted, (r) => table.ids[r]!),
      },
    );
    const batchSize = 64;
    for (const set of source.featureSets().filter((s) => s.complete)) {
      const values = source.readRows(set.key, sorted);
      const batches = Math.ceil(sorted.length / batchSize);
      dest.beginFeatureSet({ ...set, records: sorted.length, batchSize, batches, complete: false });
      for (let b = 0; b < batches; b++) {
        const n = Math.min(batchSize, sorted.length - b * batchSize);
        dest.writeBatch(b, [
          {
            key: set.key,
            values: values.slice(b * batchSize * set.dims, (b * batchSize + n) * set.dims),
            rows: n,
            dims: set.dims,
          },
        ]);
      }
      dest.completeFeatureSet(set.key);
    }
  } finally {
    dest.close();
    source.close();
  }
}

/** All of one worker's records (train, val and test), as the one-host run gives them to it. */
export const workerRecords = (rows: { train: Int32Array; val: Int32Array; test: Int32Array }): Int32Array =>
  Int32Array.from([...rows.train, ...rows.val, ...rows.test]).sort();
