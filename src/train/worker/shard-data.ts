/**
 * The rows of one split a worker holds for one feature set, in the order training or evaluation
 * reads them. Labels are kept as int64 because that is what the head graphs take.
 */
export interface SplitRows {
  dims: number;
  count: number;
  x: Float32Array;
  y: BigInt64Array;
}

/** Pairs rows read from the store (`x`, in the order of `rows`) with their labels. */
export function labelRows(
  x: Float32Array,
  labels: ArrayLike<number>,
  dims: number,
  rows: ArrayLike<number>,
): SplitRows {
  const y = new BigInt64Array(rows.length);
  for (let i = 0; i < rows.length; i++) y[i] = BigInt(labels[rows[i]!]!);
  return { dims, count: rows.length, x, y };
}

/** A split's rows as a training unit reads them: in `order` (positions into the rows) when given. */
export interface UnitRows extends SplitRows {
  order?: Int32Array;
  /**
   * with `order`: buffers of `count` rows to gather each batch into, at its place in the order, so
   * they end up holding the rows reordered (later units of the epoch then read them as they are)
   */
  into?: { x: Float32Array; y: BigInt64Array };
}

/**
 * The unit's rows batch after batch: views into the rows when they are in order, else each batch's
 * rows gathered into one buffer reused for every batch (the caller is done with a batch before it
 * asks for the next). An epoch's shuffle so costs one batch of memory, not a copy of the shard, and
 * the gathered batch is still in cache when the step graph reads it. With `into`, each batch is
 * gathered into its place there instead, keeping the reordered rows for the epoch's later units.
 */
export function* unitBatches(rows: UnitRows, batchSize: number): Generator<SplitRows> {
  const { dims, order } = rows;
  if (!order) {
    for (let start = 0; start < rows.count; start += batchSize) {
      const end = Math.min(rows.count, start + batchSize);
      yield {
        dims,
        count: end - start,
        x: rows.x.subarray(start * dims, end * dims),
        y: rows.y.subarray(start, end),
      };
    }
    return;
  }
  const scratch = rows.into ?? {
    x: new Float32Array(Math.min(batchSize, order.length) * dims),
    y: new BigInt64Array(Math.min(batchSize, order.length)),
  };
  for (let start = 0; start < order.length; start += batchSize) {
    const count = Math.min(order.length, start + batchSize) - start;
    const base = rows.into ? start : 0;
    const x = scratch.x.subarray(base * dims, (base + count) * dims);
    const y = scratch.y.subarray(base, base + count);
    for (let i = 0; i < count; i++) {
      const at = order[start + i]!;
      x.set(rows.x.subarray(at * dims, (at + 1) * dims), i * dims);
      y[i] = rows.y[at]!;
    }
    yield { dims, count, x, y };
  }
}
