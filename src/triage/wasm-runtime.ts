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

const releases: (() => void)[] = [];

/**
 * A kernel compiled on first use and kept for the next calls on this thread until `releaseKernels`
 * (null where the runtime cannot run it). Its memory only ever grows, to what the widest set needed.
 */
export function lazyKernel<T extends { memory: WasmMemory }>(bytes: () => Uint8Array): () => T | null {
  let compiled: T | null | undefined;
  releases.push(() => (compiled = undefined));
  return () => (compiled === undefined ? (compiled = compileKernel<T>(bytes())) : compiled);
}

/**
 * Drops this thread's compiled kernels, and with them their memory (a 512-wide set's chunk alone is
 * 8 MiB, a 4,096-wide one's 64 MiB): a triage is over, and a training may follow in this process.
 * The next use compiles again, in a few milliseconds.
 */
export function releaseKernels(): void {
  for (const release of releases) release();
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
