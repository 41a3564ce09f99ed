import { sha256 } from '../core/hash.js';

/**
 * One stored batch: a 16-byte header then row-major values.
 *   bytes 0-3 magic "LLB1", byte 4 dtype (1 float32, 2 float16), bytes 8-11 rows, 12-15 dims.
 * The header makes every value self-describing, so verify and export need nothing else.
 */
const MAGIC = 0x3142_4c4c; // "LLB1" little-endian
const HEADER_BYTES = 16;

export type StorageDtype = 'float32' | 'float16';
const dtypeCode: Record<StorageDtype, number> = { float32: 1, float16: 2 };

export interface DecodedBatch {
  rows: number;
  dims: number;
  dtype: StorageDtype;
  /** float32 values, a fresh copy (never a view over an lmdb-owned buffer) */
  values: Float32Array;
}

export function encodeBatch(
  values: Float32Array,
  rows: number,
  dims: number,
  dtype: StorageDtype = 'float32',
): Uint8Array {
  if (values.length !== rows * dims)
    throw new Error(`batch has ${values.length} values, expected ${rows}x${dims}`);
  const elementBytes = dtype === 'float32' ? 4 : 2;
  const out = new Uint8Array(HEADER_BYTES + rows * dims * elementBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint8(4, dtypeCode[dtype]);
  view.setUint32(8, rows, true);
  view.setUint32(12, dims, true);
  if (dtype === 'float32') {
    new Float32Array(out.buffer, HEADER_BYTES, rows * dims).set(values);
  } else {
    // Little-endian hosts only (every platform Node ships for); the header is 16 bytes, so aligned.
    const halves = new Uint16Array(out.buffer, HEADER_BYTES, rows * dims);
    for (let i = 0; i < values.length; i++) halves[i] = toHalf(values[i]!);
  }
  return out;
}

export interface BatchHeader {
  rows: number;
  dims: number;
  dtype: StorageDtype;
}

export function readBatchHeader(bytes: Uint8Array): BatchHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_BYTES || view.getUint32(0, true) !== MAGIC)
    throw new Error('not a layerlab batch');
  const dtype: StorageDtype = view.getUint8(4) === 2 ? 'float16' : 'float32';
  return { rows: view.getUint32(8, true), dims: view.getUint32(12, true), dtype };
}

/**
 * Decodes rows [firstRow, firstRow + rowCount) of a batch into `target` at `offset` (elements): one
 * copy straight from the (possibly lmdb-owned, possibly unaligned) bytes into the caller's array.
 */
export function decodeRowsInto(
  bytes: Uint8Array,
  firstRow: number,
  rowCount: number,
  target: Float32Array,
  offset: number,
): void {
  const { rows, dims, dtype } = readBatchHeader(bytes);
  if (firstRow < 0 || firstRow + rowCount > rows)
    throw new RangeError(`rows ${firstRow}..${firstRow + rowCount} are outside a batch of ${rows}`);
  const count = rowCount * dims;
  if (dtype === 'float32') {
    const from = HEADER_BYTES + firstRow * dims * 4;
    new Uint8Array(target.buffer, target.byteOffset + offset * 4, count * 4).set(
      bytes.subarray(from, from + count * 4),
    );
    return;
  }
  const from = bytes.byteOffset + HEADER_BYTES + firstRow * dims * 2;
  // lmdb's buffer may start at an odd address; a Uint16Array needs an even one.
  const halves =
    from % 2 === 0
      ? new Uint16Array(bytes.buffer, from, count)
      : new Uint16Array(bytes.slice(from - bytes.byteOffset, from - bytes.byteOffset + count * 2).buffer);
  const table = halfTable();
  for (let i = 0; i < count; i++) target[offset + i] = table[halves[i]!]!;
}

/**
 * `decodeRowsInto` for many runs of rows of one batch into one target: the header is read once and
 * float32 rows are copied into a byte view of the target made once, so a run costs one copy and one
 * source view (`readRows` copies thousands of short runs).
 */
export function batchRowDecoder(
  bytes: Uint8Array,
  target: Float32Array,
): (firstRow: number, rowCount: number, offset: number) => void {
  const { rows, dims, dtype } = readBatchHeader(bytes);
  if (dtype !== 'float32')
    return (firstRow, rowCount, offset) => decodeRowsInto(bytes, firstRow, rowCount, target, offset);
  const targetBytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
  const rowBytes = dims * 4;
  // A run of a few values is copied value by value from a float32 view of the batch: a view and a
  // `set` per run cost more than the copy itself, and a split's rows come in runs of one or two.
  const values =
    (bytes.byteOffset + HEADER_BYTES) % 4 === 0
      ? new Float32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, rows * dims)
      : undefined;
  return (firstRow, rowCount, offset) => {
    if (firstRow < 0 || firstRow + rowCount > rows)
      throw new RangeError(`rows ${firstRow}..${firstRow + rowCount} are outside a batch of ${rows}`);
    const count = rowCount * dims;
    if (values && count <= SHORT_RUN_VALUES) {
      const from = firstRow * dims;
      for (let i = 0; i < count; i++) target[offset + i] = values[from + i]!;
      return;
    }
    const from = HEADER_BYTES + firstRow * rowBytes;
    targetBytes.set(bytes.subarray(from, from + count * 4), offset * 4);
  };
}

/** Runs up to this many values are copied in a loop rather than by a view and `set`. */
const SHORT_RUN_VALUES = 512;

let halfValues: Float32Array | undefined;

/** Every IEEE half as a float32, so decoding a value is one table read. */
function halfTable(): Float32Array {
  if (!halfValues) {
    halfValues = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfValues[h] = fromHalf(h);
  }
  return halfValues;
}

/** Decodes into `target` at `offset` when given (one copy straight into the caller's array). */
export function decodeBatch(bytes: Uint8Array, target?: Float32Array, offset = 0): DecodedBatch {
  const { rows, dims, dtype } = readBatchHeader(bytes);
  const values = target ? target.subarray(offset, offset + rows * dims) : new Float32Array(rows * dims);
  decodeRowsInto(bytes, 0, rows, values, 0);
  return { rows, dims, dtype, values };
}

export function batchHash(bytes: Uint8Array): string {
  return sha256(bytes);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> IEEE half, round to nearest even. */
function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
