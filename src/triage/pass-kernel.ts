import { kernelBytes } from './kernel-bytes.js';
import {
  addTo,
  encodeModule,
  F64,
  I32,
  wasm,
  whileLess,
  type Code,
  type WasmFunction,
} from './wasm-encoding.js';
import { lazyKernel, type WasmMemory } from './wasm-runtime.js';

/**
 * The per-value arithmetic of triage's two passes over a part's rows, in WebAssembly. Run as
 * JavaScript, these loops ran mostly before V8 had optimized them (a triage call is short), where
 * every float64 result is boxed on the heap: on mnist-8's six layers the young generation was
 * collected about 50 times in one call. WebAssembly is compiled before its first call and never
 * boxes a value, so the first rows cost about what the last do. Each value takes the operations of
 * the JavaScript it replaced, in the same order (float32 promoted to float64, then scalar float64
 * ops), so the sums are bit for bit the same.
 *
 * The rows come as one stored batch of float32 rows ([batch rows, d]) and the indices (int32) of the
 * rows to use within it, so a batch is copied into the memory once, whole, and never gathered.
 *
 * - sums(x, rows, count, d, shift, sum, squares): for each picked row, v = x − shift;
 *   sum += v, squares += v² (per feature, float64).
 * - scale(x, rows, count, d, mean, std, out): out[k] = (x[rows[k]] − mean) / std, float64, [count, d].
 * - rowSums(z, labels, count, d, sum, classSums, fourth): over the rows of z ([count, d], float64),
 *   sum += z, classSums[label] += z and fourth += ‖z‖⁴.
 *
 * Pointers are byte offsets into the memory.
 */
const { get, set, i32 } = wasm;
const times = (local: number, n: number): Code => [...get(local), ...i32(n), wasm.i32Mul];
/** the address of element `o` bytes into `base` */
const at = (base: number, o: number): Code => [...get(base), ...get(o), wasm.i32Add];
/** *(base + o) += value (float64) */
const accumulate = (base: number, o: number, value: Code): Code => [
  ...at(base, o),
  ...at(base, o),
  ...wasm.f64Load(),
  ...value,
  wasm.f64Add,
  ...wasm.f64Store(),
];
/** The locals of a loop over picked rows: `x` (the batch) and `rows` (their indices) are parameters. */
interface PickedRows {
  x: number;
  rows: number;
  count: number;
  d: number;
  k: number;
  i: number;
  xRow: number;
}

/**
 * for k < count: xRow = x + rows[k]·d·4 (the picked row's first float32); `feature` for each i < d;
 * then `afterRow`.
 */
const overPickedRows = (l: PickedRows, feature: Code, afterRow: Code = []): Code => {
  const pickRow: Code = [
    ...[...get(l.x), ...get(l.rows), ...times(l.k, 4), wasm.i32Add, ...wasm.i32Load()],
    ...[...get(l.d), wasm.i32Mul, ...i32(4), wasm.i32Mul, wasm.i32Add, ...set(l.xRow)],
  ];
  const row: Code = [
    ...pickRow,
    ...[...i32(0), ...set(l.i), ...whileLess(l.i, l.d, feature)],
    ...afterRow,
    ...addTo(l.k, i32(1)),
  ];
  return [...i32(0), ...set(l.k), ...whileLess(l.k, l.count, row)];
};

/** the float32 value i of the row at xRow, as float64 */
const valueAt = (xRow: number, i: number): Code => [
  ...get(xRow),
  ...times(i, 4),
  wasm.i32Add,
  ...wasm.f32Load(),
  wasm.f64PromoteF32,
];

function sumsKernel(): WasmFunction {
  const [x, rows, count, d, shift, sum, squares] = [0, 1, 2, 3, 4, 5, 6];
  const [k, i, o, xRow] = [7, 8, 9, 10];
  const v = 11;
  const feature: Code = [
    ...times(i, 8),
    ...set(o),
    ...valueAt(xRow, i),
    ...at(shift, o),
    ...wasm.f64Load(),
    wasm.f64Sub,
    ...set(v),
    ...accumulate(sum, o, get(v)),
    ...accumulate(squares, o, [...get(v), ...get(v), wasm.f64Mul]),
    ...addTo(i, i32(1)),
  ];
  return {
    name: 'sums',
    params: 7,
    locals: [
      [4, I32],
      [1, F64],
    ],
    body: overPickedRows({ x, rows, count, d, k, i, xRow }, feature),
  };
}

function scaleKernel(): WasmFunction {
  const [x, rows, count, d, mean, std, out] = [0, 1, 2, 3, 4, 5, 6];
  const [k, i, o, xRow, outRow] = [7, 8, 9, 10, 11];
  const feature: Code = [
    ...times(i, 8),
    ...set(o),
    ...at(outRow, o),
    ...valueAt(xRow, i),
    ...at(mean, o),
    ...wasm.f64Load(),
    wasm.f64Sub,
    ...at(std, o),
    ...wasm.f64Load(),
    wasm.f64Div,
    ...wasm.f64Store(),
    ...addTo(i, i32(1)),
  ];
  return {
    name: 'scale',
    params: 7,
    locals: [[5, I32]],
    body: [
      ...[...get(out), ...set(outRow)],
      ...overPickedRows({ x, rows, count, d, k, i, xRow }, feature, addTo(outRow, times(d, 8))),
    ],
  };
}

function rowSumsKernel(): WasmFunction {
  const [z, labels, count, d, sum, classSums, fourth] = [0, 1, 2, 3, 4, 5, 6];
  const [k, i, o, zRow, classRow] = [7, 8, 9, 10, 11];
  const [v, norm2] = [12, 13];
  const feature: Code = [
    ...times(i, 8),
    ...set(o),
    ...at(zRow, o),
    ...wasm.f64Load(),
    ...set(v),
    ...[...get(norm2), ...get(v), ...get(v), wasm.f64Mul, wasm.f64Add, ...set(norm2)],
    ...accumulate(sum, o, get(v)),
    ...accumulate(classRow, o, get(v)),
    ...addTo(i, i32(1)),
  ];
  const row: Code = [
    // classRow = classSums + labels[k]·d·8
    ...[...get(classSums), ...get(labels), ...times(k, 4), wasm.i32Add, ...wasm.i32Load()],
    ...[...get(d), wasm.i32Mul, ...i32(8), wasm.i32Mul, wasm.i32Add, ...set(classRow)],
    ...[...wasm.f64Const0, ...set(norm2), ...i32(0), ...set(i)],
    ...whileLess(i, d, feature),
    ...[...get(fourth), ...get(fourth), ...wasm.f64Load(), ...get(norm2), ...get(norm2), wasm.f64Mul],
    ...[wasm.f64Add, ...wasm.f64Store()],
    ...addTo(zRow, times(d, 8)),
    ...addTo(k, i32(1)),
  ];
  return {
    name: 'rowSums',
    params: 7,
    locals: [
      [5, I32],
      [2, F64],
    ],
    body: [...get(z), ...set(zRow), ...i32(0), ...set(k), ...whileLess(k, count, row)],
  };
}

export interface PassKernel {
  memory: WasmMemory;
  sums(x: number, rows: number, count: number, d: number, shift: number, sum: number, squares: number): void;
  scale(x: number, rows: number, count: number, d: number, mean: number, std: number, out: number): void;
  rowSums(
    z: number,
    labels: number,
    count: number,
    d: number,
    sum: number,
    classSums: number,
    fourth: number,
  ): void;
}

/** Compiled on first use (plain WebAssembly 1.0: every runtime Node ships has it). */
const compiled = lazyKernel<PassKernel>(() => kernelBytes('pass'));
export function passKernel(): PassKernel {
  const kernel = compiled();
  if (!kernel) throw new Error('triage needs WebAssembly, which this runtime does not provide');
  return kernel;
}

/** The module, encoded from the code above: what `kernel-bytes.ts` holds (scripts/write-kernels.ts). */
export const passModule = (): Uint8Array => encodeModule(sumsKernel(), scaleKernel(), rowSumsKernel());
