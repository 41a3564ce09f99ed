/** The part of the WebAssembly JS API used here (the project's `lib` carries no WebAssembly types). */
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};

export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/**
 * A kernel module's exports, from its bytes (`kernel-bytes.ts`); null where the runtime cannot run
 * it (no WebAssembly SIMD).
 */
export function compileKernel<T extends { memory: WasmMemory }>(bytes: Uint8Array): T | null {
  return typeof WebAssembly === 'object' && WebAssembly.validate(bytes)
    ? (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as T)
    : null;
}

const PAGE = 65_536;

/** The memory's float64 view, grown to at least `values` values. */
export function heap(memory: WasmMemory, values: number): Float64Array {
  const short = values * 8 - memory.buffer.byteLength;
  if (short > 0) memory.grow(Math.ceil(short / PAGE));
  return new Float64Array(memory.buffer);
}

/**
 * Rows per kernel call. V8 runs a WebAssembly function's first calls in its baseline compiler and
 * swaps in the optimized code only between calls, so one long call would run baseline code
 * throughout; short calls move to the optimized code after the first few.
 */
export const ROWS_PER_CALL = 16;
