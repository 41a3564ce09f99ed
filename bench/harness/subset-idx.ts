import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Bytes of one record per IDX rank: rank-3 image files hold rows × cols, rank-1 label files one byte. */
function recordBytes(dims: number[]): number {
  return dims.slice(1).reduce((a, b) => a * b, 1);
}

/** An IDX file by its plain name, read as it is or from its `.gz` twin. */
function readIdx(path: string): Buffer {
  return existsSync(path) ? readFileSync(path) : gunzipSync(readFileSync(`${path}.gz`));
}

/** The first `count` records of one IDX file, with the header's record count rewritten. */
function headOf(bytes: Buffer, count: number): Buffer {
  const rank = bytes[3]!;
  const dims = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const take = Math.min(count, dims[0]!);
  const header = Buffer.from(bytes.subarray(0, 4 + 4 * rank));
  header.writeUInt32BE(take, 4);
  const body = bytes.subarray(4 + 4 * rank, 4 + 4 * rank + take * recordBytes(dims));
  return Buffer.concat([header, body]);
}

/**
 * A smaller copy of an MNIST-layout folder (train-* and t10k-* IDX files, gzipped or not): the first
 * `train` training and `test` test records, uncompressed. The reader keeps t10k as the test split.
 */
export function writeIdxSubset(source: string, out: string, sizes: { train: number; test: number }): void {
  mkdirSync(out, { recursive: true });
  for (const [prefix, count] of [
    ['train', sizes.train],
    ['t10k', sizes.test],
  ] as const) {
    for (const kind of ['images-idx3-ubyte', 'labels-idx1-ubyte']) {
      const name = `${prefix}-${kind}`;
      writeFileSync(join(out, name), headOf(readIdx(join(source, name)), count));
    }
  }
}
