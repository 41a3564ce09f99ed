import { addTo, encodeModule, ifThen, wasm, whileLoop, type Code } from './wasm-encoding.js';

/**
 * Triage's two O(N·D²) loops (the Gram update and the random projection) as WebAssembly. `layerlab
 * triage` and `train --triage` score each set once, in a fresh process: the same loops in JavaScript
 * ran mostly in V8's interpreter and baseline tiers before its optimizing compiler caught up (a cold
 * run took ~10× a warm one), while WebAssembly is compiled before its first call. The arithmetic is
 * the JavaScript loops' to the bit: float64 adds and multiplies (IEEE 754, no fused multiply-add) of
 * the same operands in the same order; test/triage/kernels.test.ts compares them with the plain loops.
 */
const { get, set, i32, f64Zero, f64Load, f64Store } = wasm;
const lt = (a: number, b: number): Code => [...get(a), ...get(b), wasm.i32LtS];
const sum = (a: number, b: number): Code => [...get(a), ...get(b), wasm.i32Add];
/** acc = acc + scale · f64[ptr + offset] */
const mulAdd = (acc: number, scale: number, ptr: number, offset: number): Code => [
  ...get(acc),
  ...get(scale),
  ...get(ptr),
  ...get(offset),
  wasm.i32Add,
  ...f64Load(),
  wasm.f64Mul,
  wasm.f64Add,
  ...set(acc),
];
const load = (ptr: number, offset: number, into: number): Code => [
  ...get(ptr),
  ...get(offset),
  wasm.i32Add,
  ...f64Load(),
  ...set(into),
];

/**
 * gram(g, z, count, d): gram[i·d + j] += Σ_r z[r·d + i] · z[r·d + j] for j ≥ i (the upper triangle),
 * rows four at a time (each entry's four products added in row order), then the rest one at a time,
 * skipping a zero z[r·d + i] as the row loop does. Arguments are byte offsets into memory.
 */
function gramKernel() {
  const [g, z, count, d] = [0, 1, 2, 3];
  const [rowBytes, r, z0, z1, z2, z3, ib, gRow, jb] = [4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [a0, a1, a2, a3, acc] = [13, 14, 15, 16, 17];
  const block = whileLoop(
    [...get(r), ...i32(4), wasm.i32Add, ...get(count), wasm.i32LeS],
    [
      ...sum(z0, rowBytes),
      ...set(z1),
      ...sum(z1, rowBytes),
      ...set(z2),
      ...sum(z2, rowBytes),
      ...set(z3),
      ...i32(0),
      ...set(ib),
      ...get(g),
      ...set(gRow),
      ...whileLoop(lt(ib, rowBytes), [
        ...load(z0, ib, a0),
        ...load(z1, ib, a1),
        ...load(z2, ib, a2),
        ...load(z3, ib, a3),
        ...get(ib),
        ...set(jb),
        ...whileLoop(lt(jb, rowBytes), [
          ...load(gRow, jb, acc),
          ...mulAdd(acc, a0, z0, jb),
          ...mulAdd(acc, a1, z1, jb),
          ...mulAdd(acc, a2, z2, jb),
          ...mulAdd(acc, a3, z3, jb),
          ...sum(gRow, jb),
          ...get(acc),
          ...f64Store(),
          ...addTo(jb, i32(8)),
        ]),
        ...addTo(ib, i32(8)),
        ...addTo(gRow, get(rowBytes)),
      ]),
      ...sum(z3, rowBytes),
      ...set(z0),
      ...addTo(r, i32(4)),
    ],
  );
  const rest = whileLoop(lt(r, count), [
    ...i32(0),
    ...set(ib),
    ...get(g),
    ...set(gRow),
    ...whileLoop(lt(ib, rowBytes), [
      ...load(z0, ib, a0),
      ...ifThen(
        [...get(a0), ...f64Zero, wasm.f64Eq, wasm.i32Eqz],
        [
          ...get(ib),
          ...set(jb),
          ...whileLoop(lt(jb, rowBytes), [
            ...load(gRow, jb, acc),
            ...mulAdd(acc, a0, z0, jb),
            ...sum(gRow, jb),
            ...get(acc),
            ...f64Store(),
            ...addTo(jb, i32(8)),
          ]),
        ],
      ),
      ...addTo(ib, i32(8)),
      ...addTo(gRow, get(rowBytes)),
    ]),
    ...addTo(z0, get(rowBytes)),
    ...addTo(r, i32(1)),
  ]);
  return {
    name: 'gram',
    params: 4,
    i32Locals: 9,
    f64Locals: 5,
    body: [
      ...get(d),
      ...i32(3),
      wasm.i32Shl,
      ...set(rowBytes),
      ...i32(0),
      ...set(r),
      ...get(z),
      ...set(z0),
      ...block,
      ...rest,
    ],
  };
}

/**
 * project(x, count, from, to, cols, out): out[r·to + j] = Σ_i x[r·from + i] · cols[j·from + i], the
 * sum over i in index order; output columns four at a time, then the rest. Byte offsets.
 */
function projectKernel() {
  const [x, count, from, to, cols, out] = [0, 1, 2, 3, 4, 5];
  const [fromBytes, r, j, c0, c1, c2, c3, ib, outp] = [6, 7, 8, 9, 10, 11, 12, 13, 14];
  const [s0, s1, s2, s3, xi] = [15, 16, 17, 18, 19];
  const zero = (local: number) => [...f64Zero, ...set(local)];
  const store = (local: number, offset: number) => [...get(outp), ...get(local), ...f64Store(offset)];
  const four = whileLoop(
    [...get(j), ...i32(4), wasm.i32Add, ...get(to), wasm.i32LeS],
    [
      ...sum(c0, fromBytes),
      ...set(c1),
      ...sum(c1, fromBytes),
      ...set(c2),
      ...sum(c2, fromBytes),
      ...set(c3),
      ...zero(s0),
      ...zero(s1),
      ...zero(s2),
      ...zero(s3),
      ...i32(0),
      ...set(ib),
      ...whileLoop(lt(ib, fromBytes), [
        ...load(x, ib, xi),
        ...mulAdd(s0, xi, c0, ib),
        ...mulAdd(s1, xi, c1, ib),
        ...mulAdd(s2, xi, c2, ib),
        ...mulAdd(s3, xi, c3, ib),
        ...addTo(ib, i32(8)),
      ]),
      ...store(s0, 0),
      ...store(s1, 8),
      ...store(s2, 16),
      ...store(s3, 24),
      ...addTo(outp, i32(32)),
      ...sum(c3, fromBytes),
      ...set(c0),
      ...addTo(j, i32(4)),
    ],
  );
  const rest = whileLoop(lt(j, to), [
    ...zero(s0),
    ...i32(0),
    ...set(ib),
    ...whileLoop(lt(ib, fromBytes), [...load(x, ib, xi), ...mulAdd(s0, xi, c0, ib), ...addTo(ib, i32(8))]),
    ...store(s0, 0),
    ...addTo(outp, i32(8)),
    ...addTo(c0, get(fromBytes)),
    ...addTo(j, i32(1)),
  ]);
  return {
    name: 'project',
    params: 6,
    i32Locals: 9,
    f64Locals: 5,
    body: [
      ...get(from),
      ...i32(3),
      wasm.i32Shl,
      ...set(fromBytes),
      ...get(out),
      ...set(outp),
      ...i32(0),
      ...set(r),
      ...whileLoop(lt(r, count), [
        ...i32(0),
        ...set(j),
        ...get(cols),
        ...set(c0),
        ...four,
        ...rest,
        ...addTo(x, get(fromBytes)),
        ...addTo(r, i32(1)),
      ]),
    ],
  };
}

/** The part of the WebAssembly JS API used here (the project's `lib` carries no WebAssembly types). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};

interface Kernels {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  gram(g: number, z: number, count: number, d: number): void;
  project(x: number, count: number, from: number, to: number, cols: number, out: number): void;
}

/** Compiled on first use, once per thread; its memory is scratch that each call fills and reads back. */
let compiled: Kernels | undefined;
function kernels(): Kernels {
  compiled ??= new WebAssembly.Instance(new WebAssembly.Module(encodeModule([gramKernel(), projectKernel()])))
    .exports as Kernels;
  return compiled;
}

const PAGE = 65_536;
/** Rows per call are capped so the scratch memory stays near this size however wide the rows. */
const SCRATCH_BYTES = 8 * 2 ** 20;

/** The memory as float64, at least `bytes` long. */
function heap(k: Kernels, bytes: number): Float64Array {
  const short = bytes - k.memory.buffer.byteLength;
  if (short > 0) k.memory.grow(Math.ceil(short / PAGE));
  return new Float64Array(k.memory.buffer);
}

const rowsPerCall = (width: number) => Math.max(4, Math.floor(SCRATCH_BYTES / 8 / Math.max(1, width)));

/** gram (row-major [d, d], upper triangle) += Σ zᵣ zᵣᵀ over `count` rows of z ([count, d]). */
export function addGram(gram: Float64Array, z: Float64Array, count: number, d: number): void {
  if (count === 0 || d === 0) return;
  const k = kernels();
  const step = Math.min(count, rowsPerCall(d));
  const memory = heap(k, (d * d + step * d) * 8);
  memory.set(gram.subarray(0, d * d), 0);
  // blocks of four stay aligned to the whole call's rows, as the row order within a block matters
  const aligned = step - (step % 4) || step;
  for (let start = 0; start < count; start += aligned) {
    const rows = Math.min(aligned, count - start);
    memory.set(z.subarray(start * d, (start + rows) * d), d * d);
    k.gram(0, d * d * 8, rows, d);
  }
  gram.set(memory.subarray(0, d * d));
}

/** out ([count, to]) = x ([count, from]) · columnsᵀ, where columns is [to, from]. */
export function projectInto(
  x: Float64Array,
  count: number,
  from: number,
  to: number,
  columns: Float64Array,
  out: Float64Array,
): void {
  if (count === 0) return;
  const k = kernels();
  const step = Math.min(count, rowsPerCall(from + to));
  const memory = heap(k, (to * from + step * (from + to)) * 8);
  memory.set(columns.subarray(0, to * from), 0);
  const xAt = to * from;
  const outAt = xAt + step * from;
  for (let start = 0; start < count; start += step) {
    const rows = Math.min(step, count - start);
    memory.set(x.subarray(start * from, (start + rows) * from), xAt);
    k.project(xAt * 8, rows, from, to, 0, outAt * 8);
    out.set(memory.subarray(outAt, outAt + rows * to), start * to);
  }
}
