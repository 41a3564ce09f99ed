import { addGramBlocks } from './gram-kernel.js';

/**
 * The sufficient statistics every closed-form estimator here needs, accumulated in float64 over row
 * batches so memory is bounded by D×D (per class too, for TransRate), never by the number of rows:
 * Σ z zᵀ, Σ z, and per class the count, Σ z and (optionally) Σ z zᵀ, plus Σ ‖z‖⁴ for Ledoit-Wolf.
 */
export interface Moments {
  dims: number;
  classes: number;
  count: number;
  /** Σ z zᵀ, row-major [D, D] */
  gram: Float64Array;
  sum: Float64Array;
  classCounts: Float64Array;
  /** Σ z per class, row-major [C, D] */
  classSums: Float64Array;
  /** Σ z zᵀ per class, when requested */
  classGrams?: Float64Array[];
  /** Σ ‖z‖⁴ */
  fourth: number;
}

export function emptyMoments(dims: number, classes: number, withClassGrams: boolean): Moments {
  return {
    dims,
    classes,
    count: 0,
    gram: new Float64Array(dims * dims),
    sum: new Float64Array(dims),
    classCounts: new Float64Array(classes),
    classSums: new Float64Array(classes * dims),
    ...(withClassGrams
      ? { classGrams: Array.from({ length: classes }, () => new Float64Array(dims * dims)) }
      : {}),
    fourth: 0,
  };
}

/**
 * Adds `count` rows of `z` ([count, D]) with labels `y` (class ids). Upper triangles, mirrored at the end.
 * The Gram matrix takes rows four at a time: each entry is loaded and stored once per block, and the
 * four products are still added one after another in row order, so the sums are bit for bit those of
 * adding row by row (a zero product adds nothing either way), only 2–3× faster; with even D the
 * blocks go through the SIMD kernel (`gram-kernel.ts`, the same sums in the same order).
 */
export function addRows(m: Moments, z: Float64Array, y: ArrayLike<number>, count: number): void {
  addGrams(m, z, y, count);
  const d = m.dims;
  for (let r = 0; r < count; r++) {
    const base = r * d;
    const label = y[r]!;
    let norm2 = 0;
    for (let i = 0; i < d; i++) {
      const zi = z[base + i]!;
      if (zi === 0) continue;
      norm2 += zi * zi;
      m.sum[i] = m.sum[i]! + zi;
      m.classSums[label * d + i] = m.classSums[label * d + i]! + zi;
    }
    m.fourth += norm2 * norm2;
  }
  addCounts(m, y, count);
}

/**
 * The matrix half of `addRows`: checks the labels, then adds the rows to the Gram matrix and (when
 * kept) their class's Gram matrix. The triage passes add the rest with a kernel (`pass-kernel.ts`).
 */
export function addGrams(m: Moments, z: Float64Array, y: ArrayLike<number>, count: number): void {
  const d = m.dims;
  for (let r = 0; r < count; r++) {
    const label = y[r]!;
    if (!(label >= 0 && label < m.classes))
      throw new RangeError(`label ${label} is outside 0..${m.classes - 1}`);
  }
  const blocked = count - (count % 4);
  let r = addGramBlocks(m.gram, z, blocked, d) ? blocked : 0;
  for (; r + 4 <= count; r += 4) addGramBlock(m.gram, z, r * d, d);
  for (; r < count; r++) addGramRow(m.gram, z, r * d, d);
  if (m.classGrams) for (let r = 0; r < count; r++) addGramRow(m.classGrams[y[r]!]!, z, r * d, d);
}

/** The rows' class counts and the total count. */
export function addCounts(m: Moments, y: ArrayLike<number>, count: number): void {
  for (let r = 0; r < count; r++) m.classCounts[y[r]!] = m.classCounts[y[r]!]! + 1;
  m.count += count;
}

/** gram += z_r z_rᵀ (upper triangle) for the row at `base`. */
function addGramRow(gram: Float64Array, z: Float64Array, base: number, d: number): void {
  for (let i = 0; i < d; i++) {
    const zi = z[base + i]!;
    if (zi === 0) continue;
    const row = i * d;
    for (let j = i; j < d; j++) gram[row + j] = gram[row + j]! + zi * z[base + j]!;
  }
}

/** gram += Σ z_r z_rᵀ over the four rows from `base`, each entry's products added in row order. */
function addGramBlock(gram: Float64Array, z: Float64Array, base: number, d: number): void {
  const b1 = base + d;
  const b2 = b1 + d;
  const b3 = b2 + d;
  for (let i = 0; i < d; i++) {
    const a0 = z[base + i]!;
    const a1 = z[b1 + i]!;
    const a2 = z[b2 + i]!;
    const a3 = z[b3 + i]!;
    const row = i * d;
    for (let j = i; j < d; j++) {
      let g = gram[row + j]!;
      g += a0 * z[base + j]!;
      g += a1 * z[b1 + j]!;
      g += a2 * z[b2 + j]!;
      g += a3 * z[b3 + j]!;
      gram[row + j] = g;
    }
  }
}

const mirror = (a: Float64Array, d: number) => {
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) a[j * d + i] = a[i * d + j]!;
};

/** into += part, entry by entry (both unfinished): the moments of two sets of rows together. */
export function addMoments(into: Moments, part: Moments): void {
  const add = (a: Float64Array, b: Float64Array) => {
    for (let i = 0; i < a.length; i++) a[i] = a[i]! + b[i]!;
  };
  add(into.gram, part.gram);
  add(into.sum, part.sum);
  add(into.classCounts, part.classCounts);
  add(into.classSums, part.classSums);
  into.classGrams?.forEach((g, k) => add(g, part.classGrams![k]!));
  into.fourth += part.fourth;
  into.count += part.count;
}

/** Completes the symmetric matrices after the last `addRows`. */
export function finishMoments(m: Moments): Moments {
  mirror(m.gram, m.dims);
  for (const g of m.classGrams ?? []) mirror(g, m.dims);
  return m;
}

/** Moments of a whole [N, D] matrix in one go (tests and small inputs). */
export function momentsOf(
  z: Float64Array,
  y: ArrayLike<number>,
  dims: number,
  classes: number,
  withClassGrams = false,
): Moments {
  const m = emptyMoments(dims, classes, withClassGrams);
  addRows(m, z, y, y.length);
  return finishMoments(m);
}

/** Σ (z − μ)(z − μ)ᵀ over all rows: the Gram matrix of the centred features. */
export function centredGram(m: Moments): Float64Array {
  const d = m.dims;
  const n = Math.max(1, m.count);
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) out[i * d + j] = m.gram[i * d + j]! - (m.sum[i]! * m.sum[j]!) / n;
  return out;
}
