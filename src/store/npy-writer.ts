import { closeSync, openSync, writeSync } from 'node:fs';

export type NpyDtype = '<f4' | '<i8' | '|u1';

const itemBytes: Record<NpyDtype, number> = { '<f4': 4, '<i8': 8, '|u1': 1 };

/** The .npy v1.0 header for a C-order array, padded so the data starts on a 64-byte boundary. */
export function npyHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + dict.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]); // \x93NUMPY v1.0
  new DataView(out.buffer).setUint16(8, dict.length, true);
  out.set(new TextEncoder().encode(dict), 10);
  return out;
}

/**
 * Writes a .npy file in pieces (rows appended as they are read), so exporting a feature set never
 * holds it whole. `numpy.load` reads the result.
 */
export class NpyWriter {
  private readonly fd: number;
  private written = 0;

  constructor(
    path: string,
    private readonly dtype: NpyDtype,
    private readonly shape: readonly number[],
  ) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, npyHeader(dtype, shape));
  }

  write(values: Float32Array | BigInt64Array | Uint8Array): void {
    writeSync(this.fd, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    this.written += values.length;
  }

  close(): void {
    closeSync(this.fd);
    const expected = this.shape.reduce((a, b) => a * b, 1);
    if (this.written !== expected)
      throw new Error(`npy: wrote ${this.written} values of ${expected} (${this.dtype})`);
  }
}

export function writeNpy(
  path: string,
  dtype: NpyDtype,
  shape: readonly number[],
  values: Float32Array | BigInt64Array | Uint8Array,
): void {
  if (values.length * itemBytes[dtype] !== values.byteLength)
    throw new Error(`npy: ${dtype} does not match the array`);
  const writer = new NpyWriter(path, dtype, shape);
  writer.write(values);
  writer.close();
}
