/**
 * Just enough of the WebAssembly binary format (core spec 1.0, §5) to write small numeric kernels by
 * hand: LEB128 integers, the few instructions they use, structured loops, and a module of functions
 * over one exported memory. Code is a flat `number[]` of bytes.
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

const I32 = 0x7f;
const F64 = 0x7c;
const EMPTY = 0x40;

/** Instructions, each as its bytes (memory accesses with their natural alignment). */
export const wasm = {
  get: (local: number): Code => [0x20, ...uleb(local)],
  set: (local: number): Code => [0x21, ...uleb(local)],
  i32: (value: number): Code => [0x41, ...sleb(value)],
  f64Zero: [0x44, 0, 0, 0, 0, 0, 0, 0, 0] as Code,
  f64Load: (offset = 0): Code => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset = 0): Code => [0x39, 3, ...uleb(offset)],
  i32Eqz: 0x45,
  i32LtS: 0x48,
  i32LeS: 0x4c,
  f64Eq: 0x61,
  i32Add: 0x6a,
  i32Shl: 0x74,
  f64Add: 0xa0,
  f64Mul: 0xa2,
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
  0x02,
  EMPTY,
  ...cond,
  wasm.i32Eqz,
  0x0d,
  0,
  0x03,
  EMPTY,
  ...body,
  ...cond,
  0x0d,
  0,
  0x0b,
  0x0b,
];

export const ifThen = (cond: Code, body: Code): Code => [...cond, 0x04, EMPTY, ...body, 0x0b];

export interface WasmFunction {
  name: string;
  /** every parameter is an i32 (byte offsets and counts) */
  params: number;
  i32Locals: number;
  f64Locals: number;
  body: Code;
}

const section = (id: number, content: Code): Code => [id, ...uleb(content.length), ...content];
const vector = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const name = (text: string): Code => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

/** A module exporting `memory` (one page to start, grown by the caller) and the functions, by name. */
export function encodeModule(functions: readonly WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...uleb(f.params), ...Array<number>(f.params).fill(I32), 0]);
  const bodies = functions.map((f) => {
    const locals = vector([
      [...uleb(f.i32Locals), I32],
      [...uleb(f.f64Locals), F64],
    ]);
    const code = [...locals, ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  const exports = [
    [...name('memory'), 0x02, 0],
    ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
  ];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(5, vector([[0x00, 1]])),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
