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

/** A seeded permutation of record indices, by sorting on per-record hashes (stable under growth). */
export function seededOrder(ids: readonly string[], seed: number): Int32Array {
  const keys = ids.map((id) => unitHash(seed, `order/${id}`));
  return Int32Array.from(ids.keys()).sort((a, b) => keys[a]! - keys[b]! || a - b);
}
