import { LayerlabError } from '../../core/errors.js';
import { decodeRowsInto, readBatchHeader } from '../batch-codec.js';
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
 * memory map into the result, so a shard worker never holds a whole feature set.
 */
export function readRows(store: StoreEnv, key: string, rows: ArrayLike<number>): Float32Array {
  const set = completeFeatureSet(store, key);
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
    const bytes = batchBytes(store, key, batch);
    // Rows that are consecutive both in the batch and in the result are copied in one go.
    for (let p = 0; p < positions.length;) {
      const i = positions[p]!;
      let run = 1;
      while (p + run < positions.length && positions[p + run] === i + run && rows[i + run] === rows[i]! + run)
        run++;
      decodeRowsInto(bytes, rows[i]! - batch * set.batchSize, run, out, i * set.dims);
      p += run;
    }
  }
  return out;
}
