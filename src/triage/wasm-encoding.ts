/**
 * Just enough of the WebAssembly binary format (core spec 2.0, §5, with the fixed-width SIMD
 * instructions) to write one small numeric kernel by hand: LEB128 integers, the instructions it
 * uses, a guarded loop, and a module of one function over one exported memory. Code is a flat
 * `number[]` of bytes.
 */
export type Code = number[];

export function uleb(value: number): Code {
  const out: Code = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): Code {
  const out: Code = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
const simd = (op: number, ...rest: number[]): Code => [0xfd, ...uleb(op), ...rest];

/** Instructions, each as its bytes (memory accesses with their natural alignment). */
export const wasm = {
  get: (local: number): Code => [0x20, ...uleb(local)],
  set: (local: number): Code => [0x21, ...uleb(local)],
  i32: (value: number): Code => [0x41, ...sleb(value)],
  i32Eqz: 0x45,
  i32LtS: 0x48,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32And: 0x71,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64PromoteF32: 0xbb,
  f64Const0: [0x44, 0, 0, 0, 0, 0, 0, 0, 0] as Code,
  f64Store: (offset = 0): Code => [0x39, 3, ...uleb(offset)],
  f64Load: (offset = 0): Code => [0x2b, 3, ...uleb(offset)],
  i32Load: (offset = 0): Code => [0x28, 2, ...uleb(offset)],
  f32Load: (offset = 0): Code => [0x2a, 2, ...uleb(offset)],
  /** float64 rows are 8-byte aligned in memory, so 128-bit accesses declare that alignment */
  /** float64 rows are 8-byte aligned, so 128-bit accesses declare that alignment (2³) */
  v128Load: (offset = 0): Code => simd(0x00, 3, ...uleb(offset)),
  v128Store: (offset = 0): Code => simd(0x0b, 3, ...uleb(offset)),
  v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  f64x2Splat: simd(0x14),
  /** lane-wise IEEE add and multiply: each lane rounds as a scalar f64 operation does */
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
} as const;

/** `local += step` for an i32 local (`step` a constant or another local's code). */
export const addTo = (local: number, step: Code): Code => [
  ...wasm.get(local),
  ...step,
  wasm.i32Add,
  ...wasm.set(local),
];

/** `while (cond) body`: a guarded do-while, so a zero-trip loop runs nothing. */
export const whileLoop = (cond: Code, body: Code): Code => [
  ...[0x02, 0x40, ...cond, wasm.i32Eqz, 0x0d, 0],
  ...[0x03, 0x40, ...body, ...cond, 0x0d, 0, 0x0b, 0x0b],
];

/** `while (local < limit) body`, both i32 locals. */
export const whileLess = (local: number, limit: number, body: Code): Code =>
  whileLoop([...wasm.get(local), ...wasm.get(limit), wasm.i32LtS], body);

/** `if (cond) body`. */
export const ifThen = (cond: Code, body: Code): Code => [...cond, 0x04, 0x40, ...body, 0x0b];

export interface WasmFunction {
  name: string;
  /** every parameter is an i32 (byte offsets and counts) */
  params: number;
  /** local declarations after the parameters, in order: [count, type] */
  locals: [number, number][];
  body: Code;
}

const section = (id: number, content: Code): Code => [id, ...uleb(content.length), ...content];
const vector = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const name = (text: string): Code => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

/**
 * A module exporting `memory` (one page to start, grown by the caller) and the functions, by name,
 * all over that one memory.
 */
export function encodeModule(...functions: WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...uleb(f.params), ...new Array<number>(f.params).fill(I32), 0]);
  const bodies = functions.map((f) => {
    const code = [...vector(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(3, vector(functions.map((_, k) => uleb(k)))),
    ...section(5, vector([[0x00, 1]])),
    ...section(
      7,
      vector([[...name('memory'), 0x02, 0], ...functions.map((f, k) => [...name(f.name), 0x00, ...uleb(k)])]),
    ),
    ...section(10, vector(bodies)),
  ]);
}
