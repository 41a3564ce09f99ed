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
  const n = Math.max(1, rows.length);
  const mean64 = new Float64Array(dims);
  for (let i = 0; i < rows.length; i++) {
    const base = rows[i]! * dims;
    for (let d = 0; d < dims; d++) mean64[d] = mean64[d]! + features[base + d]! / n;
  }
  const variance = new Float64Array(dims);
  for (let i = 0; i < rows.length; i++) {
    const base = rows[i]! * dims;
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
  return standardizeInto(values, mean, std, values);
}

/** As standardizeInPlace, writing into `out` (as long as `values`, or `values` itself). */
export function standardizeInto(
  values: Float32Array,
  mean: Float32Array,
  std: Float32Array,
  out: Float32Array,
): Float32Array {
  const dims = mean.length;
  for (let i = 0; i < values.length; i++) {
    const d = i % dims;
    out[i] = Math.fround(values[i]! - mean[d]!) / std[d]!;
  }
  return out;
}
