import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { LayerlabError } from '../core/errors.js';
import { digestOf } from '../core/hash.js';
import { batchHash, decodeBatch, encodeBatch, type StorageDtype } from './batch-codec.js';
import { STORE_FORMAT_VERSION, type FeatureSetManifest, type StoreManifest } from './manifest.js';
import { WriterLock } from './writer-lock.js';

export interface FeatureSetIdentity {
  modelDigest: string;
  point: string;
  pooling: string;
  preprocessingDigest: string;
  datasetDigest: string;
}

/** A feature set's content address (DESIGN.md: computed at most once, ever). */
export function featureSetKey(identity: FeatureSetIdentity): string {
  return digestOf({ ...identity, formatVersion: STORE_FORMAT_VERSION }, 20);
}

export interface RecordTable {
  labels: Int32Array;
  split: Uint8Array;
  ids: string[];
}

export interface BatchEntry {
  key: string;
  values: Float32Array;
  rows: number;
  dims: number;
}

const batchKey = (set: string, batch: number) => `f/${set}/${String(batch).padStart(8, '0')}`;
const hashKey = (set: string, batch: number) => `h/${set}/${String(batch).padStart(8, '0')}`;
const setKey = (set: string) => `set/${set}`;

/**
 * One LMDB environment per store: `meta` holds JSON (store manifest, feature-set manifests, record
 * table), `data` holds batches and their hashes. Each batch of every feature set computed by one
 * forward pass is committed in one transaction; a feature set is complete only when its manifest says so.
 */
export class FeatureStore {
  private constructor(
    readonly dir: string,
    private readonly env: RootDatabase,
    private readonly meta: Database<string, string>,
    private readonly data: Database<Uint8Array, string>,
    private readonly lock: WriterLock | undefined,
  ) {}

  static open(dir: string, options: { write: boolean }): FeatureStore {
    if (!options.write && !existsSync(join(dir, 'features.mdb'))) {
      throw new LayerlabError('NOT_FOUND', `no feature store at ${dir}; run \`layerlab extract\` first`);
    }
    if (options.write) mkdirSync(dir, { recursive: true });
    const lock = options.write ? WriterLock.acquire(dir) : undefined;
    try {
      const env = open({
        path: join(dir, 'features.mdb'),
        maxDbs: 4,
        readOnly: !options.write,
        compression: false,
      });
      const meta = env.openDB<string, string>({ name: 'meta', encoding: 'string' });
      const data = env.openDB<Uint8Array, string>({ name: 'data', encoding: 'binary' });
      return new FeatureStore(dir, env, meta, data, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  private getJson<T>(key: string): T | undefined {
    const text = this.meta.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  manifest(): StoreManifest | undefined {
    return this.getJson<StoreManifest>('store');
  }

  /** Writes the store manifest and record table once, when the store is new. */
  initialize(manifest: StoreManifest, records: RecordTable): void {
    this.env.transactionSync(() => {
      void this.meta.put('store', JSON.stringify(manifest));
      void this.meta.put(
        'records',
        JSON.stringify({
          labels: Array.from(records.labels),
          split: Array.from(records.split),
          ids: records.ids,
        }),
      );
    });
  }

  records(): RecordTable {
    const table = this.getJson<{ labels: number[]; split: number[]; ids: string[] }>('records');
    if (!table)
      throw new LayerlabError(
        'BAD_DATA',
        `store ${this.dir} has no record table; it is incomplete, remove it with \`layerlab store gc\``,
      );
    return { labels: Int32Array.from(table.labels), split: Uint8Array.from(table.split), ids: table.ids };
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
    void this.meta.putSync(setKey(set.key), JSON.stringify(set));
  }

  /** How many leading batches of a feature set are stored (the resume point). */
  storedBatches(key: string): number {
    let count = 0;
    while (this.data.doesExist(batchKey(key, count))) count++;
    return count;
  }

  /** Commits one batch of several feature sets atomically, each with its hash. */
  writeBatch(batch: number, entries: readonly BatchEntry[], dtype: StorageDtype = 'float32'): void {
    const encoded = entries.map((e) => ({ key: e.key, bytes: encodeBatch(e.values, e.rows, e.dims, dtype) }));
    this.env.transactionSync(() => {
      for (const { key, bytes } of encoded) {
        void this.data.put(batchKey(key, batch), bytes);
        void this.data.put(hashKey(key, batch), new TextEncoder().encode(batchHash(bytes)));
      }
    });
  }

  completeFeatureSet(key: string): void {
    const set = this.featureSet(key);
    if (!set) throw new Error(`unknown feature set ${key}`);
    void this.meta.putSync(
      setKey(key),
      JSON.stringify({ ...set, complete: true, completedAt: new Date().toISOString() }),
    );
  }

  /** All rows of a feature set, in record order, as one Float32Array (one copy from LMDB). */
  readFeatures(key: string): Float32Array {
    const set = this.completeSet(key);
    const out = new Float32Array(set.records * set.dims);
    let offset = 0;
    for (let batch = 0; batch < set.batches; batch++) {
      offset += decodeBatch(this.batchBytes(key, batch), out, offset).values.length;
    }
    return out;
  }

  private completeSet(key: string): FeatureSetManifest {
    const set = this.featureSet(key);
    if (!set?.complete)
      throw new LayerlabError('BAD_DATA', `feature set ${key} is not complete; re-run \`layerlab extract\``);
    return set;
  }

  private batchBytes(key: string, batch: number): Uint8Array {
    const bytes = this.data.getBinary(batchKey(key, batch));
    if (!bytes)
      throw new LayerlabError(
        'BAD_DATA',
        `feature set ${key} is missing batch ${batch}; run \`layerlab store verify\``,
      );
    return bytes;
  }

  /**
   * The given rows (record indices, any order) of a feature set as one [rows, dims] array. Only the
   * batches holding them are read, each once, so a shard worker never holds a whole feature set.
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
      const { values } = decodeBatch(this.batchBytes(key, batch));
      for (const i of positions) {
        const local = rows[i]! - batch * set.batchSize;
        out.set(values.subarray(local * set.dims, (local + 1) * set.dims), i * set.dims);
      }
    }
    return out;
  }

  /** Recomputes every batch hash of a feature set; returns the batches that do not match. */
  verifyFeatureSet(key: string): number[] {
    const set = this.featureSet(key);
    const bad: number[] = [];
    const batches = set ? set.batches : 0;
    for (let batch = 0; batch < batches; batch++) {
      const bytes = this.data.getBinary(batchKey(key, batch));
      const hash = this.data.getBinary(hashKey(key, batch));
      if (!bytes || !hash || new TextDecoder().decode(hash) !== batchHash(bytes)) bad.push(batch);
    }
    return bad;
  }

  close(): void {
    try {
      void this.env.close();
    } finally {
      this.lock?.release();
    }
  }
}
