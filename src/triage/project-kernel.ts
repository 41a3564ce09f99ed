import {
  addTo,
  encodeModule,
  I32,
  V128,
  wasm,
  whileLess as whileLoop,
  type Code,
  type WasmFunction,
} from './wasm-encoding.js';
import { kernelBytes } from './kernel-bytes.js';
import { heap, lazyKernel, ROWS_PER_CALL, type WasmMemory } from './wasm-runtime.js';

/**
 * The random projection's dot products in WebAssembly SIMD, two output columns per 128-bit lane
 * pair and eight per pass over a row. Each output is still Σᵢ xᵢ·M[i, j] summed from zero in index
 * order, with one multiply and one add per term rounded as scalar float64 (no fused multiply-add),
 * so the bits equal the JavaScript loops'; it does the 512→128 projection of an 8,000-row layer
 * 5–8× faster (`bench/triage-kernels.ts`), the largest single cost of triaging a wide layer.
 *
 * project(x, count, from, columns8, m, out, to): for each of `count` rows of x ([count, from]),
 * out[r·to + j] = Σᵢ x[r·from + i] · m[i·to + j] for j < columns8 (a multiple of 8); m is the
 * projection as generated, [from, to] row-major. Pointers are byte offsets into the memory.
 */
function projectKernel(): WasmFunction {
  const [x, count, from, columns8, m, out, to] = [0, 1, 2, 3, 4, 5, 6];
  const [r, j, i, xAt, mAt, xRow, outRow] = [7, 8, 9, 10, 11, 12, 13];
  const sums = [14, 15, 16, 17];
  const xi = 18;
  const { get, set, i32 } = wasm;
  const bytes = (local: number): Code => [...get(local), ...i32(8), wasm.i32Mul];
  const term: Code = [
    ...get(xAt),
    ...wasm.f64Load(),
    ...wasm.f64x2Splat,
    ...set(xi),
    ...sums.flatMap((s, k) => [
      ...get(s),
      ...get(xi),
      ...get(mAt),
      ...wasm.v128Load(16 * k),
      ...wasm.f64x2Mul,
      ...wasm.f64x2Add,
      ...set(s),
    ]),
    ...addTo(xAt, i32(8)),
    ...addTo(mAt, bytes(to)),
    ...addTo(i, i32(1)),
  ];
  const columnBlock: Code = [
    ...sums.flatMap((s) => [...wasm.v128Zero, ...set(s)]),
    ...[...i32(0), ...set(i), ...get(xRow), ...set(xAt), ...get(m), ...bytes(j), wasm.i32Add, ...set(mAt)],
    ...whileLoop(i, from, term),
    ...sums.flatMap((s, k) => [
      ...get(outRow),
      ...bytes(j),
      wasm.i32Add,
      ...get(s),
      ...wasm.v128Store(16 * k),
    ]),
    ...addTo(j, i32(8)),
  ];
  const row: Code = [
    ...[...i32(0), ...set(j)],
    ...whileLoop(j, columns8, columnBlock),
    ...addTo(xRow, bytes(from)),
    ...addTo(outRow, bytes(to)),
    ...addTo(r, i32(1)),
  ];
  return {
    name: 'project',
    params: 7,
    locals: [
      [7, I32],
      [5, V128],
    ],
    body: [
      ...get(x),
      ...set(xRow),
      ...get(out),
      ...set(outRow),
      ...i32(0),
      ...set(r),
      ...whileLoop(r, count, row),
    ],
  };
}

interface Kernel {
  memory: WasmMemory;
  project(x: number, count: number, from: number, columns8: number, m: number, out: number, to: number): void;
}

/** Compiled on first use; null where the runtime has no WebAssembly SIMD. */
const kernel = lazyKernel<Kernel>(() => kernelBytes('project'));

/** The module, encoded from the code above: what `kernel-bytes.ts` holds (scripts/write-kernels.ts). */
export const projectModule = (): Uint8Array => encodeModule(projectKernel());

/**
 * out[r·to + j] = Σᵢ x[r·from + i] · matrix[i·to + j] for the first `columns8` columns (a multiple
 * of 8; the caller computes the rest). False, with nothing written, where SIMD is not available.
 */
export function projectColumns(
  matrix: Float64Array,
  from: number,
  to: number,
  columns8: number,
  x: Float64Array,
  count: number,
  out: Float64Array,
): boolean {
  const k = kernel();
  if (!k) return false;
  if (count === 0 || columns8 === 0) return true;
  const step = Math.min(count, ROWS_PER_CALL);
  // memory: the matrix, then one call's rows in, then its rows out
  const xAt = from * to;
  const outAt = xAt + step * from;
  const memory = heap(k.memory, outAt + step * to);
  memory.set(matrix.subarray(0, from * to), 0);
  for (let start = 0; start < count; start += step) {
    const rows = Math.min(step, count - start);
    memory.set(x.subarray(start * from, (start + rows) * from), xAt);
    k.project(xAt * 8, rows, from, columns8, 0, outAt * 8, to);
    if (columns8 === to) out.set(memory.subarray(outAt, outAt + rows * to), start * to);
    else
      for (let q = 0; q < rows; q++)
        out.set(memory.subarray(outAt + q * to, outAt + q * to + columns8), (start + q) * to);
  }
  return true;
}

/** Whether this runtime runs the SIMD kernel (tests check that they exercise it). */
export const projectKernelAvailable = (): boolean => kernel() !== null;
