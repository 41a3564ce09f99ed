import { Rng } from '../../core/random.js';

/** Record indices of one split, in record order. */
export function splitRows(split: Uint8Array, which: number): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < split.length; i++) if (split[i] === which) rows.push(i);
  return Int32Array.from(rows);
}

/** Splits rows into `parts` contiguous chunks whose sizes differ by at most one. */
export function chunk(rows: Int32Array, parts: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let p = 0; p < parts; p++) {
    out.push(rows.slice(Math.floor((p * rows.length) / parts), Math.floor(((p + 1) * rows.length) / parts)));
  }
  return out;
}

/**
 * The train shards: train rows shuffled once with the seed, then cut into one chunk per worker
 * (Cerebro shards the data once, and models visit the shards). Each shard's rows stay sorted so a
 * worker reads them in record order.
 */
export function trainShards(trainRows: Int32Array, shards: number, seed: number): Int32Array[] {
  const shuffled = Rng.derive(seed, 'train-shards').shuffle(Array.from(trainRows));
  return chunk(Int32Array.from(shuffled), shards).map((rows) => rows.sort());
}

/**
 * The order a shard's rows are visited in one epoch: a fresh seeded shuffle per (epoch, shard),
 * shared by every group that visits the shard, so the order does not depend on fusion or timing.
 */
export function epochOrder(seed: number, epoch: number, shard: number, count: number): Int32Array {
  const order = Array.from({ length: count }, (_, i) => i);
  return Int32Array.from(Rng.derive(seed, `epoch:${epoch}/shard:${shard}`).shuffle(order));
}
