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

/** The same rows re-ordered by `order` (positions into `rows`). */
export function reorderRows(rows: SplitRows, order: ArrayLike<number>): SplitRows {
  const { dims } = rows;
  const x = new Float32Array(order.length * dims);
  const y = new BigInt64Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const at = order[i]!;
    x.set(rows.x.subarray(at * dims, (at + 1) * dims), i * dims);
    y[i] = rows.y[at]!;
  }
  return { dims, count: order.length, x, y };
}
