import { sha256 } from '../../core/hash.js';
import { batchHash } from '../batch-codec.js';
import { readFeatureSet } from './feature-sets.js';
import { batchKey, hashKey } from './key-layout.js';
import { batchRows } from './reads.js';
import type { StoreEnv } from './store-env.js';

/** How many leading batches of a feature set are stored in full (the resume point). */
export function storedBatches(store: StoreEnv, key: string): number {
  const set = readFeatureSet(store, key);
  let count = 0;
  for (;;) {
    const rows = batchRows(store, key, count);
    const full = set ? Math.min(set.batchSize, set.records - count * set.batchSize) : rows;
    if (rows === 0 || rows < full) return count;
    count++;
  }
}

/** Batches a check covers: all of a complete set, the stored prefix of one being written. */
function checkedBatches(store: StoreEnv, key: string): number {
  const set = readFeatureSet(store, key);
  return set ? (set.complete ? set.batches : storedBatches(store, key)) : 0;
}

/** Recomputes every batch hash of a feature set; returns the batches that do not match. */
export function verifyFeatureSet(store: StoreEnv, key: string): number[] {
  const bad: number[] = [];
  const batches = checkedBatches(store, key);
  for (let batch = 0; batch < batches; batch++) {
    const bytes = store.data.getBinary(batchKey(key, batch));
    const hash = store.data.getBinary(hashKey(key, batch));
    if (!bytes || !hash || new TextDecoder().decode(hash) !== batchHash(bytes)) bad.push(batch);
  }
  return bad;
}

/**
 * A digest of a feature set's stored values (its batch hashes in order): equal digests mean
 * byte-identical features, which is what resumed and uninterrupted runs are compared by. With
 * `firstBatches`, of those batches only: a quick test that two sets differ.
 */
export function contentDigest(store: StoreEnv, key: string, firstBatches = Infinity): string {
  const hashes: string[] = [];
  const batches = Math.min(firstBatches, checkedBatches(store, key));
  for (let batch = 0; batch < batches; batch++) {
    const hash = store.data.getBinary(hashKey(key, batch));
    hashes.push(hash ? new TextDecoder().decode(hash) : 'missing');
  }
  return sha256(hashes.join('\n')).slice(0, 32);
}
