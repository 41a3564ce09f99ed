import { batchHash, encodeBatch, type StorageDtype } from '../batch-codec.js';
import type { FeatureSetManifest, StoreManifest } from '../manifest.js';
import { readFeatureSet } from './feature-sets.js';
import { groupsJson, type StoreGroups } from './groups.js';
import {
  BATCH_RANGE,
  batchKey,
  GROUPS_KEY,
  hashKey,
  isKeyOfSet,
  RECORDS_KEY,
  setKey,
  skipKey,
  STORE_MANIFEST_KEY,
} from './key-layout.js';
import { recordTableJson, skippedJson, type RecordTable, type SkippedRow } from './record-table.js';
import type { StoreEnv } from './store-env.js';

export interface BatchEntry {
  key: string;
  values: Float32Array;
  rows: number;
  dims: number;
  dtype?: StorageDtype;
}

/*
 * Every write is one LMDB transaction: a batch of every feature set a pass computes lands with its
 * hashes and skipped records, or not at all; a feature set is complete only when its manifest says
 * so, which is written last.
 */

/** Groups to write with the record table: a table, `null` to remove it, undefined to leave it. */
export type GroupsUpdate = StoreGroups | null | undefined;

function putGroups(store: StoreEnv, groups: GroupsUpdate): void {
  if (groups === null) store.meta.removeSync(GROUPS_KEY);
  else if (groups) store.meta.putSync(GROUPS_KEY, groupsJson(groups));
}

/** Writes the store manifest and record table (and groups, when given) once, when the store is new. */
export function initializeStore(
  store: StoreEnv,
  manifest: StoreManifest,
  records: RecordTable,
  groups: GroupsUpdate,
): void {
  store.env.transactionSync(() => {
    store.meta.putSync(STORE_MANIFEST_KEY, JSON.stringify(manifest));
    store.meta.putSync(RECORDS_KEY, recordTableJson(records));
    putGroups(store, groups);
  });
}

/** Replaces (or removes) the groups table with the manifest that describes it, nothing else. */
export function writeGroups(store: StoreEnv, manifest: StoreManifest, groups: StoreGroups | null): void {
  store.env.transactionSync(() => {
    store.meta.putSync(STORE_MANIFEST_KEY, JSON.stringify(manifest));
    putGroups(store, groups);
  });
}

/**
 * Replaces the record table and store manifest and updates feature-set manifests (and the groups,
 * when given) in one transaction: how appended records and re-read labels, splits or groups land,
 * all or nothing (a groups table always has a row per record).
 */
export function updateRecords(
  store: StoreEnv,
  manifest: StoreManifest,
  records: RecordTable,
  sets: readonly FeatureSetManifest[],
  skipped: readonly SkippedRow[],
  groups: GroupsUpdate,
): void {
  store.env.transactionSync(() => {
    store.meta.putSync(STORE_MANIFEST_KEY, JSON.stringify(manifest));
    store.meta.putSync(RECORDS_KEY, recordTableJson(records));
    putGroups(store, groups);
    for (const set of sets) store.meta.putSync(setKey(set.key), JSON.stringify(set));
    for (const row of skipped) store.meta.putSync(skipKey(row.row), skippedJson(row));
  });
}

/** Deletes every feature set, batch and record in one transaction (the dataset changed under it). */
export function clearStore(store: StoreEnv): void {
  store.env.transactionSync(() => {
    for (const key of [...store.data.getKeys()]) store.data.removeSync(key);
    for (const key of [...store.meta.getKeys()]) store.meta.removeSync(key);
  });
}

export function beginFeatureSet(store: StoreEnv, set: FeatureSetManifest): void {
  store.meta.putSync(setKey(set.key), JSON.stringify(set));
}

function encodeEntries(entries: readonly BatchEntry[], dtype: StorageDtype) {
  return entries.map((e) => {
    const bytes = encodeBatch(e.values, e.rows, e.dims, e.dtype ?? dtype);
    return { key: e.key, bytes, hash: new TextEncoder().encode(batchHash(bytes)) };
  });
}

/**
 * Commits one batch of several feature sets atomically, each with its hash, together with any
 * records of the batch that failed to decode.
 */
export function writeBatch(
  store: StoreEnv,
  batch: number,
  entries: readonly BatchEntry[],
  dtype: StorageDtype,
  skipped: readonly SkippedRow[],
): void {
  const encoded = encodeEntries(entries, dtype);
  store.env.transactionSync(() => {
    for (const { key, bytes, hash } of encoded) {
      store.data.putSync(batchKey(key, batch), bytes);
      store.data.putSync(hashKey(key, batch), hash);
    }
    for (const row of skipped) store.meta.putSync(skipKey(row.row), skippedJson(row));
  });
}

/**
 * `writeBatch` committed in the background: resolves once the transaction is durable. lmdb-js
 * commits (and fsyncs) off the main thread, so the next batch computes meanwhile; each batch is
 * still all-or-nothing, and commits land in the order they were asked for.
 */
export function commitBatch(
  store: StoreEnv,
  batch: number,
  entries: readonly BatchEntry[],
  dtype: StorageDtype,
  skipped: readonly SkippedRow[],
): Promise<void> {
  const encoded = encodeEntries(entries, dtype);
  return store.env.transaction(() => {
    for (const { key, bytes, hash } of encoded) {
      void store.data.put(batchKey(key, batch), bytes);
      void store.data.put(hashKey(key, batch), hash);
    }
    for (const row of skipped) void store.meta.put(skipKey(row.row), skippedJson(row));
  });
}

/**
 * Marks feature sets complete (the last write of an extraction) and removes the temporary ones
 * (staged boundaries) in the same transaction.
 */
export function completeFeatureSets(
  store: StoreEnv,
  keys: readonly string[],
  datasetDigest: string | undefined,
  remove: readonly string[],
): void {
  const completedAt = new Date().toISOString();
  const updated = keys.map((key) => {
    const set = readFeatureSet(store, key);
    if (!set) throw new Error(`unknown feature set ${key}`);
    return { ...set, complete: true, completedAt, ...(datasetDigest ? { datasetDigest } : {}) };
  });
  store.env.transactionSync(() => {
    for (const set of updated) store.meta.putSync(setKey(set.key), JSON.stringify(set));
    for (const key of remove) removeSetInTransaction(store, key);
  });
}

/** Removes a feature set's batches, hashes and manifest in one transaction. */
export function deleteFeatureSet(store: StoreEnv, key: string): void {
  store.env.transactionSync(() => removeSetInTransaction(store, key));
}

function removeSetInTransaction(store: StoreEnv, key: string): void {
  for (const k of [...store.data.getKeys(BATCH_RANGE)]) if (isKeyOfSet(k, key)) store.data.removeSync(k);
  store.meta.removeSync(setKey(key));
}
