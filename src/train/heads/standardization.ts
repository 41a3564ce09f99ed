/**
 * Per-feature mean and standard deviation over the train split, accumulated in float64 over rows in
 * record order (two passes, so large means do not cancel the variance): computed once from the whole
 * split, so it is the same for any number of workers. Constant features get std 1, so standardizing
 * them yields 0 rather than NaN.
 */
export interface Standardization {
  mean: Float32Array;
  std: Float32Array;
}

export function computeStandardization(
  features: Float32Array,
  dims: number,
  rows: ArrayLike<number>,
): Standardization {
  const at = Float64Array.from({ length: rows.length }, (_, i) => rows[i]! * dims);
  return standardizationOfRows({ parts: [features], part: new Int32Array(rows.length), at }, dims);
}

/** Where each row of a split lies when its rows are spread over several arrays (one per shard). */
export interface RowPlaces {
  parts: readonly Float32Array[];
  /** row i is in `parts[part[i]]`, its values from `at[i]` on */
  part: Int32Array;
  at: Float64Array;
}

/** As computeStandardization, over rows in place in several arrays: the same sums in the same order. */
export function standardizationOfRows(places: RowPlaces, dims: number): Standardization {
  const { parts, part, at } = places;
  const rows = part.length;
  const n = Math.max(1, rows);
  const mean64 = new Float64Array(dims);
  for (let i = 0; i < rows; i++) {
    const features = parts[part[i]!]!;
    const base = at[i]!;
    for (let d = 0; d < dims; d++) mean64[d] = mean64[d]! + features[base + d]! / n;
  }
  const variance = new Float64Array(dims);
  for (let i = 0; i < rows; i++) {
    const features = parts[part[i]!]!;
    const base = at[i]!;
    for (let d = 0; d < dims; d++) {
      const centered = features[base + d]! - mean64[d]!;
      variance[d] = variance[d]! + (centered * centered) / n;
    }
  }
  const std = Float32Array.from(variance, (v) => (v > 1e-12 ? Math.sqrt(v) : 1));
  return { mean: Float32Array.from(mean64), std };
}

/**
 * (x − mean) / std over rows of `mean.length` features, in place, rounding like float32 arithmetic
 * (the difference, then the quotient), so it equals the graph's own Sub and Div bit for bit.
 */
export function standardizeInPlace(
  values: Float32Array,
  mean: Float32Array,
  std: Float32Array,
): Float32Array {
  const dims = mean.length;
  for (let i = 0; i < values.length; i++) {
    const d = i % dims;
    values[i] = Math.fround(values[i]! - mean[d]!) / std[d]!;
  }
  return values;
}
