import type { StorageDtype } from './batch-codec.js';
import { compactEnv } from './feature-store/compact.js';
import { readFeatureSet, readFeatureSets } from './feature-store/feature-sets.js';
import { readGroups, type StoreGroups } from './feature-store/groups.js';
import { contentDigest, storedBatches, verifyFeatureSet } from './feature-store/integrity.js';
import { STORE_MANIFEST_KEY } from './feature-store/key-layout.js';
import { getJson } from './feature-store/meta-json.js';
import { openStore, storeExists } from './feature-store/open-lock.js';
import { reclaimRetiredRows } from './feature-store/reclaim-retired.js';
import { batchRows, readBatch, readBatchInto, readFeatures, readRows } from './feature-store/reads.js';
import {
  canonicalRows,
  readRecordTable,
  readSkipped,
  type RecordTable,
  type SkippedRow,
} from './feature-store/record-table.js';
import { closeEnv, openEnv, type StoreEnv } from './feature-store/store-env.js';
import { removeStoreListing, writeStoreListing, type StoreListingParts } from './store-listing.js';
import {
  beginFeatureSet,
  clearStore,
  commitBatch,
  completeFeatureSets,
  deleteFeatureSet,
  initializeStore,
  updateRecords,
  writeBatch,
  writeGroups,
  type BatchEntry,
  type GroupsUpdate,
} from './feature-store/writes.js';
import type { FeatureSetManifest, StoreManifest } from './manifest.js';
import type { ReaderLease } from './reader-lease.js';
import type { WriterLock } from './writer-lock.js';

export { featureSetKey, type FeatureSetIdentity } from './feature-store/keys.js';
export {
  isRetiredId,
  RETIRED_ID_PREFIX,
  SKIPPED_SPLIT,
  type RecordTable,
  type SkippedRow,
} from './feature-store/record-table.js';
export type { BatchEntry, GroupsUpdate } from './feature-store/writes.js';
export { groupsOf, groupValues, type StoreGroups } from './feature-store/groups.js';

/**
 * One LMDB environment per store: `meta` holds JSON (store manifest, feature-set manifests, record
 * table, skipped records), `data` holds batches and their hashes. Every batch of every feature set
 * computed by one pass is committed in one transaction with its hash; a feature set is complete
 * only when its manifest says so, which is written last. Readers never wait: LMDB readers see the
 * last committed transaction, and a partial batch is never visible.
 *
 * This class is the store's one handle; each concept lives in its own file under feature-store/
 * (key layout, opening and locking, the record table, writes, reads, integrity checks).
 */
export class FeatureStore {
  private constructor(
    private store: StoreEnv,
    private readonly lock: WriterLock | undefined,
    private readonly lease: ReaderLease | undefined,
    private readonly readOnly: boolean,
  ) {}

  get dir(): string {
    return this.store.dir;
  }

  static exists(dir: string): boolean {
    return storeExists(dir);
  }

  static open(dir: string, options: { write: boolean }): FeatureStore {
    const { store, lock, lease } = openStore(dir, options.write);
    // what this writer changes is unlisted until it closes (see store-listing.ts)
    if (options.write) removeStoreListing(dir);
    return new FeatureStore(store, lock, lease, !options.write);
  }

  manifest(): StoreManifest | undefined {
    return getJson<StoreManifest>(this.store, STORE_MANIFEST_KEY);
  }

  /** Writes the store manifest and record table (and groups, when given) once, when the store is new. */
  initialize(manifest: StoreManifest, records: RecordTable, groups?: StoreGroups): void {
    initializeStore(this.store, manifest, records, groups);
  }

  /**
   * Replaces the record table and store manifest and updates feature-set manifests in one
   * transaction: how appended records and re-read labels or splits land, all or nothing. `groups`:
   * a table with a row per record, `null` to remove it, undefined to leave it as it is.
   */
  updateRecords(
    manifest: StoreManifest,
    records: RecordTable,
    sets: readonly FeatureSetManifest[],
    skipped: readonly SkippedRow[] = [],
    groups?: GroupsUpdate,
  ): void {
    updateRecords(this.store, manifest, records, sets, skipped, groups);
  }

  /**
   * Each record's group: `index[i]` is the group (into `names`) of record i in record-table order,
   * -1 for none; undefined when the store's records carry no groups.
   */
  groups(): StoreGroups | undefined {
    return readGroups(this.store);
  }

  /** Replaces (`null`: removes) the groups table and the manifest describing it; features untouched. */
  setGroups(manifest: StoreManifest, groups: StoreGroups | null): void {
    writeGroups(this.store, manifest, groups);
  }

  /** Deletes every feature set, batch and record in one transaction (the dataset changed under it). */
  clear(): void {
    clearStore(this.store);
  }

  /**
   * The record table, with skipped records' split set to SKIPPED_SPLIT (unless `markSkipped` is
   * false: the table as the dataset gave it).
   */
  records(options: { markSkipped?: boolean } = {}): RecordTable {
    return readRecordTable(this.store, options);
  }

  /** Storage rows in the dataset's canonical order, optionally without records that failed to decode. */
  canonicalRows(options: { withSkipped?: boolean } = {}): Int32Array {
    return canonicalRows(this.records(), options);
  }

  /** Records that failed to decode, by storage row. */
  skipped(): SkippedRow[] {
    return readSkipped(this.store);
  }

  featureSets(): FeatureSetManifest[] {
    return readFeatureSets(this.store);
  }

  featureSet(key: string): FeatureSetManifest | undefined {
    return readFeatureSet(this.store, key);
  }

  beginFeatureSet(set: FeatureSetManifest): void {
    beginFeatureSet(this.store, set);
  }

  /** Rows stored in a batch (0 when it is missing): a short last batch is extended by an append. */
  batchRows(key: string, batch: number): number {
    return batchRows(this.store, key, batch);
  }

  /** How many leading batches of a feature set are stored in full (the resume point). */
  storedBatches(key: string): number {
    return storedBatches(this.store, key);
  }

  /** Commits one batch of several feature sets atomically, with its hashes and skipped records. */
  writeBatch(
    batch: number,
    entries: readonly BatchEntry[],
    dtype: StorageDtype = 'float32',
    skipped: readonly SkippedRow[] = [],
  ): void {
    writeBatch(this.store, batch, entries, dtype, skipped);
  }

  /** `writeBatch` committed in the background: resolves once the transaction is durable. */
  commitBatch(
    batch: number,
    entries: readonly BatchEntry[],
    dtype: StorageDtype = 'float32',
    skipped: readonly SkippedRow[] = [],
  ): Promise<void> {
    return commitBatch(this.store, batch, entries, dtype, skipped);
  }

  /** Marks feature sets complete and removes the temporary ones, in one transaction. */
  completeFeatureSets(keys: readonly string[], datasetDigest?: string, remove: readonly string[] = []): void {
    completeFeatureSets(this.store, keys, datasetDigest, remove);
  }

  completeFeatureSet(key: string): void {
    this.completeFeatureSets([key]);
  }

  /** Removes a feature set's batches, hashes and manifest in one transaction. */
  deleteFeatureSet(key: string): void {
    deleteFeatureSet(this.store, key);
  }

  /** One batch of any feature set (complete or not) as a fresh [rows, dims] array. */
  readBatch(key: string, batch: number): Float32Array {
    return readBatch(this.store, key, batch);
  }

  /** One batch of any feature set decoded into the start of `into`; returns its rows. */
  readBatchInto(key: string, batch: number, into: Float32Array): number {
    return readBatchInto(this.store, key, batch, into);
  }

  /** All rows of a complete feature set in storage order, into `into` when given. */
  readFeatures(key: string, into?: Float32Array): Float32Array {
    return readFeatures(this.store, key, into);
  }

  /**
   * The given storage rows (any order) of a complete feature set as one [rows, dims] array, into
   * `into` when given.
   */
  readRows(key: string, rows: ArrayLike<number>, into?: Float32Array): Float32Array {
    return readRows(this.store, key, rows, into);
  }

  /**
   * Rewrites every feature set without the rows of records deleted or changed in the source (set
   * aside by extraction), renumbering records, skipped records and groups; returns the rows dropped.
   * Call with no incomplete feature set in the store.
   */
  reclaimRetiredRows(): number {
    return reclaimRetiredRows(this.store);
  }

  /** Recomputes every batch hash of a feature set; returns the batches that do not match. */
  verifyFeatureSet(key: string): number[] {
    return verifyFeatureSet(this.store, key);
  }

  /**
   * A digest of a feature set's stored values: equal digests mean byte-identical features. With
   * `firstBatches`, of its first batches only (unequal: the sets differ).
   */
  contentDigest(key: string, firstBatches?: number): string {
    return contentDigest(this.store, key, firstBatches);
  }

  /**
   * Closes and reopens the LMDB environment (call with no commit in flight). LMDB reads the pages it
   * copies on write through its memory map, and a mapped page stays in the process's resident set
   * until unmapped, so a long extraction remaps now and then to keep its memory flat.
   */
  async remap(): Promise<void> {
    await closeEnv(this.store);
    this.store = openEnv(this.store.dir, this.readOnly);
  }

  /**
   * Rewrites the LMDB file without its free pages and swaps it in, holding the writer lock
   * throughout, so the space of removed feature sets goes back to the disk.
   */
  static async compact(dir: string): Promise<void> {
    const handle = FeatureStore.open(dir, { write: true });
    try {
      const parts = handle.listingParts();
      await compactEnv(handle.store);
      // the compacted copy holds the same records in a new file: list it as such
      writeListingQuietly(dir, () => parts);
    } finally {
      handle.lock?.release();
    }
  }

  /** What `store ls` shows of this store (see store-listing.ts). */
  listingParts(): StoreListingParts {
    return { manifest: this.manifest(), skipped: this.skipped().length, featureSets: this.featureSets() };
  }

  close(): void {
    try {
      // a writer leaves the listing of what it wrote, before another writer can take the lock
      if (this.lock) writeListingQuietly(this.dir, () => this.listingParts());
      void closeEnv(this.store);
    } finally {
      this.lock?.release();
      this.lease?.release();
    }
  }
}

/** The listing only saves `store ls` its LMDB reads: one that cannot be written is left out. */
function writeListingQuietly(dir: string, parts: () => StoreListingParts): void {
  try {
    writeStoreListing(dir, parts());
  } catch {
    // no listing (or the previous one, now stale by the file's time): readers go to LMDB
  }
}
