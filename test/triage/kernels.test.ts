import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { addRows, emptyMoments, finishMoments } from '../../src/triage/moments.js';
import { projectRows, randomProjection } from '../../src/triage/project.js';
import { projectKernelAvailable } from '../../src/triage/project-kernel.js';
import { gramKernelAvailable } from '../../src/triage/gram-kernel.js';

/**
 * The blocked kernels promise the very bits of the row-by-row loops they replaced (the same products
 * added in the same order), so scores, rankings and ridge heads do not move. These references are
 * those loops, written out plainly.
 */
function referenceGram(z: Float64Array, count: number, d: number): Float64Array {
  const gram = new Float64Array(d * d);
  for (let r = 0; r < count; r++)
    for (let i = 0; i < d; i++) {
      const zi = z[r * d + i]!;
      if (zi === 0) continue;
      for (let j = i; j < d; j++) gram[i * d + j] = gram[i * d + j]! + zi * z[r * d + j]!;
    }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) gram[j * d + i] = gram[i * d + j]!;
  return gram;
}

function referenceProject(matrix: Float64Array, from: number, to: number, x: Float64Array, count: number) {
  const out = new Float64Array(count * to);
  for (let r = 0; r < count; r++)
    for (let i = 0; i < from; i++) {
      const xi = x[r * from + i]!;
      if (xi === 0) continue;
      for (let j = 0; j < to; j++) out[r * to + j] = out[r * to + j]! + xi * matrix[i * to + j]!;
    }
  return out;
}

/** Gaussian rows with some exact zeros (ReLU-like), which the reference loops skip. */
function rows(count: number, d: number, seed: number): Float64Array {
  const rng = Rng.derive(seed, 'test/triage/kernels');
  return Float64Array.from({ length: count * d }, () => (rng.next() < 0.2 ? 0 : rng.normal() * 3 + 1));
}

describe('triage kernels', () => {
  it('accumulates the Gram matrix bit for bit as row by row, in blocks of four (SIMD for even widths) and the rest', () => {
    expect(gramKernelAvailable()).toBe(true);
    // odd D: the JavaScript blocks; even D: the SIMD kernel (an odd diagonal row starts scalar)
    for (const [count, d] of [1, 3, 4, 7, 64, 1030].flatMap((n) => [13, 14, 2].map((d) => [n, d] as const))) {
      const z = rows(count, d, count);
      const y = Int32Array.from({ length: count }, (_, i) => i % 3);
      const m = emptyMoments(d, 3, true);
      // two calls, as chunks arrive, to cover the carried sums
      const half = Math.floor(count / 2);
      addRows(m, z.subarray(0, half * d), y.subarray(0, half), half);
      addRows(m, z.subarray(half * d), y.subarray(half), count - half);
      finishMoments(m);
      expect(Array.from(m.gram)).toEqual(Array.from(referenceGram(z, count, d)));
      expect(m.count).toBe(count);
      for (let c = 0; c < 3; c++) {
        const members = [...Array(count).keys()].filter((r) => y[r] === c);
        const zc = Float64Array.from(members.flatMap((r) => Array.from(z.subarray(r * d, (r + 1) * d))));
        expect(Array.from(m.classGrams![c]!)).toEqual(Array.from(referenceGram(zc, members.length, d)));
      }
    }
  });

  it('rejects a label outside the classes before adding any row', () => {
    const m = emptyMoments(2, 2, false);
    expect(() => addRows(m, new Float64Array(8), [0, 1, 2, 0], 4)).toThrow(/label 2 is outside 0..1/);
    expect(m.count).toBe(0);
    expect(Array.from(m.gram)).toEqual([0, 0, 0, 0]);
  });

  it('projects bit for bit as row times matrix, for widths that are and are not multiples of four and eight', () => {
    for (const [from, to] of [
      [40, 16],
      [37, 11],
      [300, 128],
      // the SIMD kernel takes whole eights of columns, JavaScript the rest: 8 + 5, 7 alone, 24 + 2
      [50, 13],
      [9, 7],
      [512, 26],
    ] as const) {
      expect(projectKernelAvailable()).toBe(true);
      const p = randomProjection(from, to, 5);
      // 37 rows: calls of 16 rows and a shorter last one
      for (const count of [9, 37]) {
        const x = rows(count, from, from);
        const expected = referenceProject(p.matrix!, from, to, x, count);
        expect(Array.from(projectRows(p, x, count))).toEqual(Array.from(expected));
        const into = new Float64Array(count * to);
        expect(projectRows(p, x, count, into)).toBe(into);
        expect(Array.from(into)).toEqual(Array.from(expected));
      }
    }
  });
});
