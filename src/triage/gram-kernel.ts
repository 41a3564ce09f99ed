import {
  addTo,
  encodeModule,
  F64,
  I32,
  ifThen,
  V128,
  wasm,
  whileLess,
  type Code,
  type WasmFunction,
} from './wasm-encoding.js';
import { kernelBytes } from './kernel-bytes.js';
import { heap, lazyKernel, ROWS_PER_CALL, type WasmMemory } from './wasm-runtime.js';

/**
 * The Gram update of `addRows` (moments.ts) in WebAssembly SIMD: the upper triangle of Σ z zᵀ over
 * rows taken four at a time, two adjacent entries of a Gram row per 128-bit pair. Each entry still
 * gets its four products added one after another in row order, one multiply and one add per product
 * rounded as scalar float64, so the bits equal the JavaScript block loop's (the first entry of an odd
 * diagonal row, where a pair would start below the diagonal, is done with scalar instructions).
 *
 * gram(g, z, count, d): g ([d, d] row-major) += Σ over `count` rows of z ([count, d]), count a
 * multiple of four, d even. Pointers are byte offsets into the memory.
 */
function gramKernel(): WasmFunction {
  const [g, z, count, d] = [0, 1, 2, 3];
  const [r, i, j, row] = [4, 5, 6, 7];
  const rows = [8, 9, 10, 11];
  const a = [12, 13, 14, 15];
  const [s, acc] = [
    [16, 17, 18, 19],
    [20, 21, 22, 23],
  ];
  const { get, set, i32 } = wasm;
  const bytes = (local: number): Code => [...get(local), ...i32(8), wasm.i32Mul];
  const at = (base: number, index: number): Code => [...get(base), ...bytes(index), wasm.i32Add];
  // g[row + j] += a0·z0[j] + … in order, scalar
  const scalarEntry: Code = [
    ...at(row, j),
    ...at(row, j),
    ...wasm.f64Load(),
    ...rows.flatMap((base, k) => [
      ...get(a[k]!),
      ...at(base, j),
      ...wasm.f64Load(),
      wasm.f64Mul,
      wasm.f64Add,
    ]),
    ...wasm.f64Store(),
    ...addTo(j, i32(1)),
  ];
  const pair: Code = [
    ...at(row, j),
    ...wasm.v128Load(),
    ...set(acc[0]!),
    ...rows.flatMap((base, k) => [
      ...get(acc[0]!),
      ...get(s[k]!),
      ...at(base, j),
      ...wasm.v128Load(),
      ...wasm.f64x2Mul,
      ...wasm.f64x2Add,
      ...set(acc[0]!),
    ]),
    ...at(row, j),
    ...get(acc[0]!),
    ...wasm.v128Store(),
    ...addTo(j, i32(2)),
  ];
  const gramRow: Code = [
    ...rows.flatMap((base, k) => [...at(base, i), ...wasm.f64Load(), ...set(a[k]!)]),
    ...a.flatMap((value, k) => [...get(value), ...wasm.f64x2Splat, ...set(s[k]!)]),
    ...[...get(g), ...get(i), ...get(d), wasm.i32Mul, ...i32(8), wasm.i32Mul, wasm.i32Add, ...set(row)],
    ...[...get(i), ...set(j)],
    ...ifThen([...get(i), ...i32(1), wasm.i32And], scalarEntry),
    ...whileLess(j, d, pair),
    ...addTo(i, i32(1)),
  ];
  const block: Code = [
    ...[...i32(0), ...set(i)],
    ...whileLess(i, d, gramRow),
    ...rows.flatMap((base) => addTo(base, [...bytes(d), ...i32(4), wasm.i32Mul])),
    ...addTo(r, i32(4)),
  ];
  return {
    name: 'gram',
    params: 4,
    locals: [
      [8, I32],
      [4, F64],
      [8, V128],
    ],
    body: [
      ...[...get(z), ...set(rows[0]!)],
      ...rows.slice(1).flatMap((base, k) => [...get(rows[k]!), ...bytes(d), wasm.i32Add, ...set(base)]),
      ...[...i32(0), ...set(r)],
      ...whileLess(r, count, block),
    ],
  };
}

interface Kernel {
  memory: WasmMemory;
  gram(g: number, z: number, count: number, d: number): void;
}

/** Compiled on first use; null where the runtime has no WebAssembly SIMD. */
const kernel = lazyKernel<Kernel>(() => kernelBytes('gram'));

/** The module, encoded from the code above: what `kernel-bytes.ts` holds (scripts/write-kernels.ts). */
export const gramModule = (): Uint8Array => encodeModule(gramKernel());

/**
 * gram ([d, d], upper triangle) += the rows of z ([count, d]) in blocks of four, for d even and
 * count a multiple of four. False, with nothing changed, where SIMD is not available.
 */
export function addGramBlocks(gram: Float64Array, z: Float64Array, count: number, d: number): boolean {
  const k = kernel();
  if (!k || d % 2 !== 0) return false;
  if (count === 0 || d === 0) return true;
  const step = Math.min(count, ROWS_PER_CALL);
  const memory = heap(k.memory, d * d + step * d);
  memory.set(gram.subarray(0, d * d), 0);
  for (let start = 0; start < count; start += step) {
    const rows = Math.min(step, count - start);
    memory.set(z.subarray(start * d, (start + rows) * d), d * d);
    k.gram(0, d * d * 8, rows, d);
  }
  gram.set(memory.subarray(0, d * d));
  return true;
}

/** Whether this runtime runs the SIMD kernel (tests check that they exercise it). */
export const gramKernelAvailable = (): boolean => kernel() !== null;
