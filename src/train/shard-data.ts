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

/** Copies the given rows (record indices into a row-major [N, dims] array) in the given order. */
export function gatherRows(
  features: Float32Array,
  labels: ArrayLike<number>,
  dims: number,
  rows: ArrayLike<number>,
): SplitRows {
  const x = new Float32Array(rows.length * dims);
  const y = new BigInt64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    x.set(features.subarray(row * dims, (row + 1) * dims), i * dims);
    y[i] = BigInt(labels[row]!);
  }
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
