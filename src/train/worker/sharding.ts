import { Rng } from '../../core/random.js';
import { shardOfRecord } from '../../data/shard.js';

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
 * The shards of a split's rows: each row goes to `shardOfRecord(its id, shards)`, a rule on the
 * record id alone (no seed), the same one `extract --cluster` places records on hosts by: a one-host
 * run with `--workers S` and a cluster run over S shards visit the same train rows (Cerebro shards
 * the data once, and models visit the shards), and evaluate the same validation and test rows per
 * shard, so the per-shard loss sums add in the same order on both. Each shard's rows stay in record
 * order.
 */
export function recordShards(rows: Int32Array, ids: readonly string[], shards: number): Int32Array[] {
  const out: number[][] = Array.from({ length: shards }, () => []);
  for (const row of rows) out[shardOfRecord(ids[row]!, shards)]!.push(row);
  return out.map((part) => Int32Array.from(part).sort());
}

/**
 * The order a shard's rows are visited in one epoch: a fresh seeded shuffle per (epoch, shard),
 * shared by every group that visits the shard, so the order does not depend on fusion or timing.
 */
export function epochOrder(seed: number, epoch: number, shard: number, count: number): Int32Array {
  const order = Array.from({ length: count }, (_, i) => i);
  return Int32Array.from(Rng.derive(seed, `epoch:${epoch}/shard:${shard}`).shuffle(order));
}
