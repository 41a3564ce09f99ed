import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { Rng } from '../../src/core/random.js';

export const tempDir = (prefix = 'layerlab-data-') => mkdtempSync(join(tmpdir(), prefix));

/** An IDX file (MNIST format): magic 0,0,0x08,rank, big-endian dims, then unsigned bytes. */
export function idxBytes(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

export interface IdxSet {
  images: Uint8Array;
  labels: Uint8Array;
}

/** `count` random 8×8 gray images with labels 0..classes-1 (deterministic from the seed). */
export function randomIdx(count: number, seed = 1, classes = 3, size = 8): IdxSet {
  const rng = new Rng(seed);
  return {
    images: Uint8Array.from({ length: count * size * size }, () => rng.int(256)),
    labels: Uint8Array.from({ length: count }, () => rng.int(classes)),
  };
}

/** Writes `<prefix>-images-idx3-ubyte[.gz]` and its labels file into `dir`. */
export function writeIdxPair(
  dir: string,
  prefix: string,
  set: IdxSet,
  options: { gz?: boolean; size?: number } = {},
) {
  const size = options.size ?? 8;
  const count = set.labels.length;
  const ext = options.gz ? '.gz' : '';
  const pack = (b: Buffer) => (options.gz ? gzipSync(b) : b);
  mkdirSync(dir, { recursive: true });
  const images = join(dir, `${prefix}-images-idx3-ubyte${ext}`);
  const labels = join(dir, `${prefix}-labels-idx1-ubyte${ext}`);
  writeFileSync(images, pack(idxBytes([count, size, size], set.images)));
  writeFileSync(labels, pack(idxBytes([count], set.labels)));
  return { images, labels };
}

/** A PNG of solid-ish random pixels, `width`×`height` RGB. */
export async function randomPng(seed: number, width = 8, height = 8): Promise<Buffer> {
  const rng = new Rng(seed);
  const pixels = Buffer.from(Uint8Array.from({ length: width * height * 3 }, () => rng.int(256)));
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** Writes image files (relative path -> seed) under `root`; `.png` files are random PNGs. */
export async function writeImages(
  root: string,
  files: Record<string, number | string>,
  size = 8,
): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, ...path.split('/'));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : await randomPng(content, size, size));
  }
}
