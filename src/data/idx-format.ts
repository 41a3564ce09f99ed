import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { badData, notFound } from '../core/errors.js';

/** An IDX file's header (the MNIST format: magic 0,0,type,rank then big-endian uint32 dims). */
export interface IdxHeader {
  /** 0x08 unsigned byte is the only element type layerlab reads */
  type: number;
  dims: number[];
  headerBytes: number;
}

export function parseIdxHeader(bytes: Uint8Array, path: string): IdxHeader {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0)
    throw badData(`${path} is not an IDX file (bad magic); pass MNIST-format files`);
  const type = bytes[2]!;
  const rank = bytes[3]!;
  if (bytes.length < 4 + 4 * rank) throw badData(`${path}: truncated IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  if (type !== 0x08)
    throw badData(`${path}: IDX element type 0x${type.toString(16)} is not supported; use unsigned bytes`);
  return { type, dims, headerBytes: 4 + 4 * rank };
}

export interface IdxPair {
  images: string;
  labels: string;
}

const idxFile = /idx\d-ubyte(\.gz)?$/;
const isImages = (name: string) => /idx[34]-ubyte(\.gz)?$/.test(name);

/** `train-images-idx3-ubyte.gz` -> `train-labels-idx1-ubyte` (without .gz), the name its labels have. */
function labelsNameFor(images: string): string {
  return images
    .replace(/\.gz$/, '')
    .replace(/images/, 'labels')
    .replace(/idx[34]-ubyte$/, 'idx1-ubyte');
}

function findLabels(images: string): string {
  const dir = dirname(images);
  const want = labelsNameFor(basename(images));
  const match = readdirSync(dir).find((f) => f.replace(/\.gz$/, '') === want);
  if (!match) throw notFound(`no labels file ${want}[.gz] next to ${images}; pass IMAGES,LABELS`);
  return join(dir, match);
}

/** Whether a folder holds IDX files (rather than class sub-folders of images). */
export function isIdxFolder(dir: string): boolean {
  return readdirSync(dir).some((f) => idxFile.test(f));
}

/** Whether a data ref names IDX files: one images file, or `IMAGES,LABELS`. */
export function isIdxRef(ref: string): boolean {
  return ref.split(',').every((part) => idxFile.test(part.trim()));
}

/**
 * The image/label file pairs a data ref names, in file-name order: every pair in a folder, the
 * pair of one images file and its labels sibling, or an explicit `IMAGES,LABELS`.
 */
export function resolveIdxPairs(ref: string): IdxPair[] {
  const parts = ref.split(',').map((p) => resolve(p.trim()));
  for (const part of parts) if (!existsSync(part)) throw notFound(`data ${part} not found`);
  if (parts.length === 2) return [{ images: parts[0]!, labels: parts[1]! }];
  const [only] = parts;
  if (parts.length !== 1 || !only)
    throw badData(`data ${ref}: pass a folder, an images file or IMAGES,LABELS`);
  if (statSync(only).isDirectory()) {
    const pairs = readdirSync(only)
      .filter(isImages)
      .sort()
      .map((f) => ({ images: join(only, f), labels: findLabels(join(only, f)) }));
    if (pairs.length === 0) throw notFound(`no IDX images files (*-idx3-ubyte[.gz]) in ${only}`);
    return pairs;
  }
  return [{ images: only, labels: findLabels(only) }];
}

/** Test files by the MNIST convention (`t10k-…`) or by name (`test`): the provided test split. */
export function isTestFile(path: string): boolean {
  const name = basename(path).toLowerCase();
  return name.startsWith('t10k') || name.includes('test');
}
