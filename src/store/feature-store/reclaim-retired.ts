import type { FeatureSetManifest, StoreManifest } from '../manifest.js';
import { encodeBatch, batchHash } from '../batch-codec.js';
import { readFeatureSets } from './feature-sets.js';
import { groupsJson, readGroups } from './groups.js';
import {
  batchKey,
  GROUPS_KEY,
  hashKey,
  RECORDS_KEY,
  setKey,
  SKIP_RANGE,
  skipKey,
  STORE_MANIFEST_KEY,
} from './key-layout.js';
import { getJson } from './meta-json.js';
import { readRows } from './reads.js';
import { isRetiredId, readRecordTable, readSkipped, recordTableJson, skippedJson } from './record-table.js';
import type { StoreEnv } from './store-env.js';

/**
 * Drops the rows of records deleted (or changed) in the source, which an extraction only set aside:
 * every complete feature set is rewritten without them, batch by batch in storage order (a kept row
 * only moves to a lower row, so each new batch reads rows no earlier batch has overwritten), and the
 * record table, skipped records, groups and manifests are renumbered, all in one transaction.
 * Returns the rows dropped. The caller has removed incomplete feature sets first (they cannot be
 * rewritten: their missing rows would land at the wrong place).
 */
export function reclaimRetiredRows(store: StoreEnv): number {
  const table = readRecordTable(store, { markSkipped: false });
  const keep: number[] = [];
  table.ids.forEach((id, row) => {
    if (!isRetiredId(id)) keep.push(row);
  });
  const dropped = table.ids.length - keep.length;
  if (dropped === 0) return 0;
  const newRow = new Int32Array(table.ids.length).fill(-1);
  keep.forEach((row, i) => (newRow[row] = i));
  const order = table.order ? Int32Array.from(table.order, (row) => newRow[row]!) : undefined;
  const pick = <T>(values: ArrayLike<T>) => keep.map((row) => values[row]!);
  const next = {
    labels: Int32Array.from(pick(table.labels)),
    split: Uint8Array.from(pick(table.split)),
    ids: pick(table.ids),
    ...(table.hashes ? { hashes: pick(table.hashes) } : {}),
    ...(order && !order.every((row, i) => row === i) ? { order } : {}),
  };
  const groups = readGroups(store);
  const skipped = readSkipped(store);
  const manifest = getJson<StoreManifest>(store, STORE_MANIFEST_KEY);
  const sets = readFeatureSets(store);
  store.env.transactionSync(() => {
    for (const set of sets) rewriteSet(store, set, keep);
    store.meta.putSync(RECORDS_KEY, recordTableJson(next));
    for (const { key } of [...store.meta.getRange(SKIP_RANGE)]) store.meta.removeSync(key);
    for (const row of skipped)
      if (newRow[row.row]! >= 0)
        store.meta.putSync(skipKey(newRow[row.row]!), skippedJson({ ...row, row: newRow[row.row]! }));
    if (groups)
      store.meta.putSync(
        GROUPS_KEY,
        groupsJson({ names: groups.names, index: Int32Array.from(pick(groups.index)) }),
      );
    if (manifest)
      store.meta.putSync(
        STORE_MANIFEST_KEY,
        JSON.stringify({
          ...manifest,
          updatedAt: new Date().toISOString(),
          dataset: { ...manifest.dataset, records: keep.length },
        }),
      );
  });
  return dropped;
}

function rewriteSet(store: StoreEnv, set: FeatureSetManifest, keep: readonly number[]): void {
  const batches = Math.ceil(keep.length / set.batchSize);
  for (let batch = 0; batch < batches; batch++) {
    const rows = keep.slice(batch * set.batchSize, (batch + 1) * set.batchSize);
    const bytes = encodeBatch(readRows(store, set.key, rows), rows.length, set.dims, set.dtype);
    store.data.putSync(batchKey(set.key, batch), bytes);
    store.data.putSync(hashKey(set.key, batch), new TextEncoder().encode(batchHash(bytes)));
  }
  for (let batch = batches; batch < set.batches; batch++) {
    store.data.removeSync(batchKey(set.key, batch));
    store.data.removeSync(hashKey(set.key, batch));
  }
  const updated: FeatureSetManifest = { ...set, records: keep.length, batches };
  store.meta.putSync(setKey(set.key), JSON.stringify(updated));
}
