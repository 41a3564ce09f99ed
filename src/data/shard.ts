import { unitHash } from './record-hash.js';

/**
 * A shard per record from its id and a seed: independent of the dataset's size and order, so adding
 * records never moves the ones already assigned (the trainer's per-run shards live in src/train).
 */
export function shardAssignment(ids: readonly string[], shards: number, seed: number): Uint16Array {
  if (!Number.isInteger(shards) || shards < 1 || shards > 65535)
    throw new RangeError(`shards must be an integer in 1..65535, got ${shards}`);
  return Uint16Array.from(ids, (id) =>
    Math.min(shards - 1, Math.floor(unitHash(seed, `shard/${id}`) * shards)),
  );
}

/**
 * The cluster shard of a record: a hash of its id alone, with no seed, so the same record lands in
 * the same shard for every training seed and on every machine, whatever other records the data
 * holds (Cerebro partitions the data once; models move, records never do). One-host
 * `train --workers S` cuts its train split by the same rule, so a cluster run over S shards visits
 * the same rows as the one-host run (MOP's sequential equivalence).
 */
export function shardOfRecord(id: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1 || shards > 65535)
    throw new RangeError(`shards must be an integer in 1..65535, got ${shards}`);
  return Math.min(shards - 1, Math.floor(unitHash(0, `cluster-shard/${id}`) * shards));
}

/** A seeded permutation of record indices, by sorting on per-record hashes (stable under growth). */
export function seededOrder(ids: readonly string[], seed: number): Int32Array {
  const keys = ids.map((id) => unitHash(seed, `order/${id}`));
  return Int32Array.from(ids.keys()).sort((a, b) => keys[a]! - keys[b]! || a - b);
}
