import { LayerlabError } from '../../core/errors.js';
import { batchRowDecoder, decodeRowsInto, readBatchHeader } from '../batch-codec.js';
import { completeFeatureSet } from './feature-sets.js';
import { batchKey } from './key-layout.js';
import type { StoreEnv } from './store-env.js';

/** Rows stored in a batch (0 when it is missing): a short last batch is extended by an append. */
export function batchRows(store: StoreEnv, key: string, batch: number): number {
  const bytes = store.data.getBinaryFast(batchKey(key, batch));
  return bytes ? readBatchHeader(bytes).rows : 0;
}

/** A batch's bytes, valid only until the next read (lmdb-js reuses the buffer): copy at once. */
function batchBytes(store: StoreEnv, key: string, batch: number): Uint8Array {
  const bytes = store.data.getBinaryFast(batchKey(key, batch));
  if (!bytes)
    throw new LayerlabError(
      'BAD_DATA',
      `feature set ${key} is missing batch ${batch}; run \`layerlab store verify\``,
    );
  return bytes;
}

/** One batch of any feature set (complete or not) as a fresh [rows, dims] array. */
export function readBatch(store: StoreEnv, key: string, batch: number): Float32Array {
  const bytes = batchBytes(store, key, batch);
  const { rows, dims } = readBatchHeader(bytes);
  const out = new Float32Array(rows * dims);
  decodeRowsInto(bytes, 0, rows, out, 0);
  return out;
}

/**
 * One batch of any feature set decoded into the start of `into` (one copy, no allocation: a
 * float32 batch is a single `set` from LMDB's memory map); returns its rows.
 */
export function readBatchInto(store: StoreEnv, key: string, batch: number, into: Float32Array): number {
  const bytes = batchBytes(store, key, batch);
  const { rows, dims } = readBatchHeader(bytes);
  if (into.length < rows * dims)
    throw new RangeError(`readBatchInto: ${into.length} values cannot hold ${rows}×${dims}`);
  decodeRowsInto(bytes, 0, rows, into, 0);
  return rows;
}

/**
 * All rows of a feature set, in storage order, as one Float32Array: one copy from LMDB's memory
 * map, into `into` when given (a buffer reused across reads skips the page faults of a fresh one).
 */
export function readFeatures(store: StoreEnv, key: string, into?: Float32Array): Float32Array {
  const set = completeFeatureSet(store, key);
  if (into && into.length < set.records * set.dims)
    throw new RangeError(`readFeatures: ${into.length} values cannot hold ${set.records}×${set.dims}`);
  const out = into ?? new Float32Array(set.records * set.dims);
  let offset = 0;
  for (let batch = 0; batch < set.batches; batch++) {
    const bytes = batchBytes(store, key, batch);
    const { rows } = readBatchHeader(bytes);
    decodeRowsInto(bytes, 0, rows, out, offset);
    offset += rows * set.dims;
  }
  return out;
}

/**
 * The given rows (storage rows, any order) of a feature set as one [rows, dims] array. Only the
 * batches holding them are read, each once, and every row is copied once, straight from LMDB's
 * memory map into the result (`into`, when given: rows × dims values long), so a shard worker never
 * holds a whole feature set.
 */
export function readRows(
  store: StoreEnv,
  key: string,
  rows: ArrayLike<number>,
  into?: Float32Array,
): Float32Array {
  const set = completeFeatureSet(store, key);
  const out = into ?? new Float32Array(rows.length * set.dims);
  if (out.length !== rows.length * set.dims)
    throw new RangeError(`${rows.length} rows of ${set.dims} values do not fill ${out.length}`);
  const byBatch = positionsByBatch(rows, set.records, set.batchSize);
  for (let b = 0; b < byBatch.batches.length; b++) {
    const batch = byBatch.batches[b]!;
    const decode = batchRowDecoder(batchBytes(store, key, batch), out);
    const end = byBatch.starts[b + 1]!;
    // Rows that are consecutive both in the batch and in the result are copied in one go.
    for (let p = byBatch.starts[b]!; p < end;) {
      const i = byBatch.positions[p]!;
      let run = 1;
      while (p + run < end && byBatch.positions[p + run] === i + run && rows[i + run] === rows[i]! + run)
        run++;
      decode(rows[i]! - batch * set.batchSize, run, i * set.dims);
      p += run;
    }
  }
  return out;
}

/**
 * The result positions grouped by the batch holding their row, batches ascending and positions
 * ascending within each (a counting sort): `positions[starts[b] .. starts[b + 1])` are batch
 * `batches[b]`'s.
 */
function positionsByBatch(rows: ArrayLike<number>, records: number, batchSize: number) {
  const perBatch = new Int32Array(Math.ceil(records / batchSize) + 1);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (!Number.isInteger(row) || row < 0 || row >= records)
      throw new RangeError(`row ${row} is outside 0..${records - 1}`);
    perBatch[Math.floor(row / batchSize) + 1]!++;
  }
  const batches: number[] = [];
  const starts: number[] = [];
  for (let b = 0; b + 1 < perBatch.length; b++) {
    if (perBatch[b + 1]! > 0) {
      batches.push(b);
      starts.push(perBatch[b]!);
    }
    perBatch[b + 1]! += perBatch[b]!;
  }
  starts.push(rows.length);
  const next = perBatch.slice(0, -1);
  const positions = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) positions[next[Math.floor(rows[i]! / batchSize)]!++] = i;
  return { batches, starts, positions };
}
