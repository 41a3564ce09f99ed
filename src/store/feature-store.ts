import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { isLayerlabError, LayerlabError } from '../core/errors.js';
import { digestOf, sha256 } from '../core/hash.js';
import { batchHash, decodeRowsInto, encodeBatch, readBatchHeader, type StorageDtype } from './batch-codec.js';
import { refuseNetworkFilesystem } from './filesystem-check.js';
import { STORE_FORMAT_VERSION, type FeatureSetManifest, type StoreManifest } from './manifest.js';
import { ReaderLease } from './reader-lease.js';
import { liveWriter, WriterLock } from './writer-lock.js';

export interface FeatureSetIdentity {
  modelDigest: string;
  point: string;
  pooling: string;
  preprocessingDigest: string;
  /** the dataset's lineage (what it is), so a grown dataset keeps its feature sets and appends */
  datasetDigest: string;
  /** float16 storage is its own feature set; float32 (the default) adds nothing to the identity */
  dtype?: StorageDtype;
}

/** Two 4 KiB meta pages: the smallest LMDB file a writer has finished creating. */
const LMDB_META_BYTES = 2 * 4096;

/** A feature set's content address (docs/architecture.md: computed at most once, ever). */
export function featureSetKey(identity: FeatureSetIdentity): string {
  const { dtype, ...rest } = identity;
  return digestOf(
    { ...rest, ...(dtype === 'float16' ? { dtype } : {}), formatVersion: STORE_FORMAT_VERSION },
    20,
  );
}

/** Split code of a record that could not be decoded: no split reads it (docs/contract.md: codes are 0-2). */
export const SKIPPED_SPLIT = 255;

/** Per-record metadata in storage order (the order rows were written). */
export interface RecordTable {
  labels: Int32Array;
  /** 0 train, 1 val, 2 test; SKIPPED_SPLIT for records that failed to decode */
  split: Uint8Array;
  ids: string[];
  /** content hash per record: how a grown dataset recognises the records already stored */
  hashes?: string[];
  /** storage row of each record in the dataset's canonical order, when appends made them differ */
  order?: Int32Array;
}

export interface SkippedRow {
  row: number;
  id: string;
  reason: string;
}

export interface BatchEntry {
  key: string;
  values: Float32Array;
  rows: number;
  dims: number;
  dtype?: StorageDtype;
}

const pad = (n: number) => String(n).padStart(8, '0');
/*
 * Batch keys lead with the batch number, so everything one transaction writes (every set's batch and
 * hash) is adjacent in the B-tree: one insertion point per commit. Keys led by the set instead made
 * LMDB copy-on-write a leaf page per set per commit, each read through the memory map, and the
 * process's resident memory grew with the store.
 */
const batchKey = (set: string, batch: number) => `b/${pad(batch)}/${set}/v`;
const hashKey = (set: string, batch: number) => `b/${pad(batch)}/${set}/h`;
const setKey = (set: string) => `set/${set}`;
const skipKey = (row: number) => `skip/${pad(row)}`;

/** A store written by a newer layerlab may lay its records out differently: never read or extend it. */
function refuseNewerFormat(dir: string, manifest: StoreManifest | undefined): void {
  if (manifest && manifest.formatVersion > STORE_FORMAT_VERSION)
    throw new LayerlabError(
      'CONFIG',
      `store ${dir} has format version ${manifest.formatVersion}, newer than this layerlab reads (${STORE_FORMAT_VERSION}); upgrade layerlab, or extract into another --store`,
    );
}

interface StoredTable {
  labels: number[];
  split: number[];
  ids: string[];
  hashes?: string[];
  order?: number[];
}

/**
 * One LMDB environment per store: `meta` holds JSON (store manifest, feature-set manifests, record
 * table, skipped records), `data` holds batches and their hashes. Every batch of every feature set
 * computed by one pass is committed in one transaction with its hash; a feature set is complete
 * only when its manifest says so, which is written last. Readers never wait: LMDB readers see the
 * last committed transaction, and a partial batch is never visible.
 */
export class FeatureStore {
  private constructor(
    readonly dir: string,
    private env: RootDatabase,
    private meta: Database<string, string>,
    private data: Database<Uint8Array, string>,
    private readonly lock: WriterLock | undefined,
    private readonly lease: ReaderLease | undefined,
    private readonly readOnly: boolean,
  ) {}

  private static openEnv(dir: string, readOnly: boolean) {
    const env = open({ path: join(dir, 'features.mdb'), maxDbs: 4, readOnly, compression: false });
    const meta = env.openDB<string, string>({ name: 'meta', encoding: 'string' });
    const data = env.openDB<Uint8Array, string>({ name: 'data', encoding: 'binary' });
    return { env, meta, data };
  }

  /**
   * A reader can meet a store whose writer is still creating its file (LMDB then fails with
   * "Invalid argument"): name the writer instead of failing as a bug.
   */
  private static openEnvWhileWritten(dir: string, readOnly: boolean) {
    const beingCreated = (writer: string) =>
      new LayerlabError(
        'STORE_LOCKED',
        `store ${dir} is being created by ${writer}; try again once it has written its first batch`,
      );
    // LMDB's file starts with two meta pages; a shorter file is not written yet (or was cut short),
    // and lmdb-js crashes the process on it rather than throwing, so it is never opened
    if (readOnly && statSync(join(dir, 'features.mdb')).size < LMDB_META_BYTES) {
      const writer = liveWriter(dir);
      if (writer !== undefined) throw beingCreated(writer);
      throw new LayerlabError(
        'BAD_DATA',
        `store ${dir} is damaged (its features.mdb is cut short); remove it with \`layerlab store gc\` and extract again`,
      );
    }
    try {
      return FeatureStore.openEnv(dir, readOnly);
    } catch (error) {
      const writer = readOnly && !isLayerlabError(error) ? liveWriter(dir) : undefined;
      if (writer === undefined) throw error;
      throw beingCreated(writer);
    }
  }

  static exists(dir: string): boolean {
    return existsSync(join(dir, 'features.mdb'));
  }

  static open(dir: string, options: { write: boolean }): FeatureStore {
    if (!options.write && !FeatureStore.exists(dir)) {
      throw new LayerlabError('NOT_FOUND', `no feature store at ${dir}; run \`layerlab extract\` first`);
    }
    refuseNetworkFilesystem(dir);
    if (options.write) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (error) {
        throw new LayerlabError(
          'STORE_NOT_WRITABLE',
          `cannot create the store ${dir} (${(error as NodeJS.ErrnoException).code}); pass --home or --store with a writable folder`,
        );
      }
    }
    const lock = options.write ? WriterLock.acquire(dir) : undefined;
    const lease = options.write ? undefined : ReaderLease.take(dir);
    try {
      const { env, meta, data } = FeatureStore.openEnvWhileWritten(dir, !options.write);
      const store = new FeatureStore(dir, env, meta, data, lock, lease, !options.write);
      try {
        refuseNewerFormat(dir, store.manifest());
      } catch (error) {
        store.close();
        throw error;
      }
      return store;
    } catch (error) {
      lock?.release();
      lease?.release();
      throw error;
    }
  }

  private getJson<T>(key: string): T | undefined {
    const text = this.meta.get(key);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new LayerlabError(
        'BAD_DATA',
        `store ${this.dir} is damaged (its ${key.split('/')[0]} record is not valid JSON); remove it with \`layerlab store gc\` and extract again`,
      );
    }
  }

  manifest(): StoreManifest | undefined {
    return this.getJson<StoreManifest>('store');
  }

  /** Writes the store manifest and record table once, when the store is new. */
  initialize(manifest: StoreManifest, records: RecordTable): void {
    this.env.transactionSync(() => {
      this.meta.putSync('store', JSON.stringify(manifest));
      this.meta.putSync('records', JSON.stringify(tableToJson(records)));
    });
  }

  /**
   * Replaces the record table and store manifest and updates feature-set manifests in one
   * transaction: how appended records and re-read labels or splits land, all or nothing.
   */
  updateRecords(
    manifest: StoreManifest,
    records: RecordTable,
    sets: readonly FeatureSetManifest[],
    skipped: readonly SkippedRow[] = [],
  ): void {
    this.env.transactionSync(() => {
      this.meta.putSync('store', JSON.stringify(manifest));
      this.meta.putSync('records', JSON.stringify(tableToJson(records)));
      for (const set of sets) this.meta.putSync(setKey(set.key), JSON.stringify(set));
      for (const row of skipped) this.meta.putSync(skipKey(row.row), JSON.stringify(row));
    });
  }

  /** Deletes every feature set, batch and record in one transaction (the dataset changed under it). */
  clear(): void {
    this.env.transactionSync(() => {
      for (const key of [...this.data.getKeys()]) this.data.removeSync(key);
      for (const key of [...this.meta.getKeys()]) this.meta.removeSync(key);
    });
  }

  /**
   * The record table, with skipped records' split set to SKIPPED_SPLIT (unless `markSkipped` is
   * false: the table as the dataset gave it).
   */
  records(options: { markSkipped?: boolean } = {}): RecordTable {
    const table = this.getJson<StoredTable>('records');
    if (!table)
      throw new LayerlabError(
        'BAD_DATA',
        `store ${this.dir} has no record table; it is incomplete, remove it with \`layerlab store gc\``,
      );
    const split = Uint8Array.from(table.split);
    if (options.markSkipped !== false)
      for (const { row } of this.skipped()) if (row < split.length) split[row] = SKIPPED_SPLIT;
    return {
      labels: Int32Array.from(table.labels),
      split,
      ids: table.ids,
      ...(table.hashes ? { hashes: table.hashes } : {}),
      ...(table.order ? { order: Int32Array.from(table.order) } : {}),
    };
  }

  /**
   * Storage rows in the dataset's canonical order (docs/contract.md, "Feature export"), optionally without
   * the records that failed to decode: what exports and predictions list rows by. Appends make the
   * two orders differ (new files land in the middle of a folder's order, but after stored rows).
   */
  canonicalRows(options: { withSkipped?: boolean } = {}): Int32Array {
    const table = this.records();
    const rows = table.order ?? Int32Array.from(table.ids.keys());
    return options.withSkipped === false ? rows.filter((row) => table.split[row] !== SKIPPED_SPLIT) : rows;
  }

  /** Records that failed to decode, by storage row. */
  skipped(): SkippedRow[] {
    const rows: SkippedRow[] = [];
    for (const { value } of this.meta.getRange({ start: 'skip/', end: 'skip0' }))
      rows.push(JSON.parse(value) as SkippedRow);
    return rows;
  }

  featureSets(): FeatureSetManifest[] {
    const sets: FeatureSetManifest[] = [];
    for (const { value } of this.meta.getRange({ start: 'set/', end: 'set0' }))
      sets.push(JSON.parse(value) as FeatureSetManifest);
    return sets;
  }

  featureSet(key: string): FeatureSetManifest | undefined {
    return this.getJson<FeatureSetManifest>(setKey(key));
  }

  beginFeatureSet(set: FeatureSetManifest): void {
    this.meta.putSync(setKey(set.key), JSON.stringify(set));
  }

  /** Rows stored in a batch (0 when it is missing): a short last batch is extended by an append. */
  batchRows(key: string, batch: number): number {
    const bytes = this.data.getBinaryFast(batchKey(key, batch));
    return bytes ? readBatchHeader(bytes).rows : 0;
  }

  /** How many leading batches of a feature set are stored in full (the resume point). */
  storedBatches(key: string): number {
    const set = this.featureSet(key);
    let count = 0;
    for (;;) {
      const rows = this.batchRows(key, count);
      const full = set ? Math.min(set.batchSize, set.records - count * set.batchSize) : rows;
      if (rows === 0 || rows < full) return count;
      count++;
    }
  }

  /**
   * Commits one batch of several feature sets atomically, each with its hash, together with any
   * records of the batch that failed to decode.
   */
  writeBatch(
    batch: number,
    entries: readonly BatchEntry[],
    dtype: StorageDtype = 'float32',
    skipped: readonly SkippedRow[] = [],
  ): void {
    const encoded = entries.map((e) => ({
      key: e.key,
      bytes: encodeBatch(e.values, e.rows, e.dims, e.dtype ?? dtype),
    }));
    const hashes = encoded.map(({ bytes }) => new TextEncoder().encode(batchHash(bytes)));
    this.env.transactionSync(() => {
      encoded.forEach(({ key, bytes }, i) => {
        this.data.putSync(batchKey(key, batch), bytes);
        this.data.putSync(hashKey(key, batch), hashes[i]!);
      });
      for (const row of skipped) this.meta.putSync(skipKey(row.row), JSON.stringify(row));
    });
  }

  /**
   * `writeBatch` committed in the background: resolves once the transaction is durable. lmdb-js
   * commits (and fsyncs) off the main thread, so the next batch computes meanwhile; each batch is
   * still all-or-nothing, and commits land in the order they were asked for.
   */
  commitBatch(
    batch: number,
    entries: readonly BatchEntry[],
    dtype: StorageDtype = 'float32',
    skipped: readonly SkippedRow[] = [],
  ): Promise<void> {
    const encoded = entries.map((e) => {
      const bytes = encodeBatch(e.values, e.rows, e.dims, e.dtype ?? dtype);
      return { key: e.key, bytes, hash: new TextEncoder().encode(batchHash(bytes)) };
    });
    return this.env.transaction(() => {
      for (const { key, bytes, hash } of encoded) {
        void this.data.put(batchKey(key, batch), bytes);
        void this.data.put(hashKey(key, batch), hash);
      }
      for (const row of skipped) void this.meta.put(skipKey(row.row), JSON.stringify(row));
    });
  }

  /**
   * Marks feature sets complete (the last write of an extraction) and removes the temporary ones
   * (staged boundaries) in the same transaction.
   */
  completeFeatureSets(keys: readonly string[], datasetDigest?: string, remove: readonly string[] = []): void {
    const completedAt = new Date().toISOString();
    const updated = keys.map((key) => {
      const set = this.featureSet(key);
      if (!set) throw new Error(`unknown feature set ${key}`);
      return { ...set, complete: true, completedAt, ...(datasetDigest ? { datasetDigest } : {}) };
    });
    this.env.transactionSync(() => {
      for (const set of updated) this.meta.putSync(setKey(set.key), JSON.stringify(set));
      for (const key of remove) this.removeSetInTransaction(key);
    });
  }

  completeFeatureSet(key: string): void {
    this.completeFeatureSets([key]);
  }

  /** Removes a feature set's batches, hashes and manifest in one transaction. */
  deleteFeatureSet(key: string): void {
    this.env.transactionSync(() => this.removeSetInTransaction(key));
  }

  private removeSetInTransaction(key: string): void {
    const infix = `/${key}/`;
    for (const k of [...this.data.getKeys({ start: 'b/', end: 'b0' })])
      if (k.includes(infix)) this.data.removeSync(k);
    this.meta.removeSync(setKey(key));
  }

  private completeSet(key: string): FeatureSetManifest {
    const set = this.featureSet(key);
    if (!set) throw new LayerlabError('NOT_FOUND', `feature set ${key} is not in ${this.dir}`);
    if (!set.complete)
      throw new LayerlabError(
        'BAD_DATA',
        `feature set ${set.layer} (${key}) is not complete; re-run \`layerlab extract\``,
      );
    return set;
  }

  /** A batch's bytes, valid only until the next read (lmdb-js reuses the buffer): copy at once. */
  private batchBytes(key: string, batch: number): Uint8Array {
    const bytes = this.data.getBinaryFast(batchKey(key, batch));
    if (!bytes)
      throw new LayerlabError(
        'BAD_DATA',
        `feature set ${key} is missing batch ${batch}; run \`layerlab store verify\``,
      );
    return bytes;
  }

  /** One batch of any feature set (complete or not) as a fresh [rows, dims] array. */
  readBatch(key: string, batch: number): Float32Array {
    const bytes = this.batchBytes(key, batch);
    const { rows, dims } = readBatchHeader(bytes);
    const out = new Float32Array(rows * dims);
    decodeRowsInto(bytes, 0, rows, out, 0);
    return out;
  }

  /**
   * All rows of a feature set, in storage order, as one Float32Array: one copy from LMDB's memory
   * map, into `into` when given (a buffer reused across reads skips the page faults of a fresh one).
   */
  readFeatures(key: string, into?: Float32Array): Float32Array {
    const set = this.completeSet(key);
    if (into && into.length < set.records * set.dims)
      throw new RangeError(`readFeatures: ${into.length} values cannot hold ${set.records}×${set.dims}`);
    const out = into ?? new Float32Array(set.records * set.dims);
    let offset = 0;
    for (let batch = 0; batch < set.batches; batch++) {
      const bytes = this.batchBytes(key, batch);
      const { rows } = readBatchHeader(bytes);
      decodeRowsInto(bytes, 0, rows, out, offset);
      offset += rows * set.dims;
    }
    return out;
  }

  /**
   * The given rows (storage rows, any order) of a feature set as one [rows, dims] array. Only the
   * batches holding them are read, each once, and every row is copied once, straight from LMDB's
   * memory map into the result, so a shard worker never holds a whole feature set.
   */
  readRows(key: string, rows: ArrayLike<number>): Float32Array {
    const set = this.completeSet(key);
    const out = new Float32Array(rows.length * set.dims);
    const positionsByBatch = new Map<number, number[]>();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (!Number.isInteger(row) || row < 0 || row >= set.records)
        throw new RangeError(`row ${row} is outside 0..${set.records - 1}`);
      const batch = Math.floor(row / set.batchSize);
      const positions = positionsByBatch.get(batch);
      if (positions) positions.push(i);
      else positionsByBatch.set(batch, [i]);
    }
    for (const [batch, positions] of [...positionsByBatch].sort((a, b) => a[0] - b[0])) {
      const bytes = this.batchBytes(key, batch);
      // Rows that are consecutive both in the batch and in the result are copied in one go.
      for (let p = 0; p < positions.length;) {
        const i = positions[p]!;
        let run = 1;
        while (
          p + run < positions.length &&
          positions[p + run] === i + run &&
          rows[i + run] === rows[i]! + run
        )
          run++;
        decodeRowsInto(bytes, rows[i]! - batch * set.batchSize, run, out, i * set.dims);
        p += run;
      }
    }
    return out;
  }

  /** Recomputes every batch hash of a feature set; returns the batches that do not match. */
  verifyFeatureSet(key: string): number[] {
    const set = this.featureSet(key);
    const bad: number[] = [];
    const batches = set ? (set.complete ? set.batches : this.storedBatches(key)) : 0;
    for (let batch = 0; batch < batches; batch++) {
      const bytes = this.data.getBinary(batchKey(key, batch));
      const hash = this.data.getBinary(hashKey(key, batch));
      if (!bytes || !hash || new TextDecoder().decode(hash) !== batchHash(bytes)) bad.push(batch);
    }
    return bad;
  }

  /**
   * A digest of a feature set's stored values (its batch hashes in order): equal digests mean
   * byte-identical features, which is what resumed and uninterrupted runs are compared by.
   */
  contentDigest(key: string): string {
    const set = this.featureSet(key);
    const hashes: string[] = [];
    const batches = set ? (set.complete ? set.batches : this.storedBatches(key)) : 0;
    for (let batch = 0; batch < batches; batch++) {
      const hash = this.data.getBinary(hashKey(key, batch));
      hashes.push(hash ? new TextDecoder().decode(hash) : 'missing');
    }
    return sha256(hashes.join('\n')).slice(0, 32);
  }

  /**
   * Closes and reopens the LMDB environment (call with no commit in flight). LMDB reads the pages it
   * copies on write through its memory map, and a mapped page stays in the process's resident set
   * until unmapped, so a long extraction remaps now and then to keep its memory flat.
   */
  async remap(): Promise<void> {
    await this.env.close();
    ({ env: this.env, meta: this.meta, data: this.data } = FeatureStore.openEnv(this.dir, this.readOnly));
  }

  /**
   * Rewrites the LMDB file without its free pages (LMDB's compacting copy) and swaps it in, holding
   * the writer lock throughout, so the space of removed feature sets goes back to the disk.
   */
  static async compact(dir: string): Promise<void> {
    const store = FeatureStore.open(dir, { write: true });
    const file = join(dir, 'features.mdb');
    const copy = join(dir, `features.compact-${process.pid}.mdb`);
    try {
      await store.env.backup(copy, true);
      await store.env.close();
      renameSync(copy, file);
      rmSync(`${copy}-lock`, { force: true });
    } catch (error) {
      rmSync(copy, { force: true });
      throw error;
    } finally {
      store.lock?.release();
    }
  }

  close(): void {
    try {
      void this.env.close();
    } finally {
      this.lock?.release();
      this.lease?.release();
    }
  }
}

function tableToJson(records: RecordTable): StoredTable {
  return {
    labels: Array.from(records.labels),
    split: Array.from(records.split),
    ids: records.ids,
    ...(records.hashes ? { hashes: records.hashes } : {}),
    ...(records.order ? { order: Array.from(records.order) } : {}),
  };
}
