import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { badData } from '../core/errors.js';
import { digestOf } from '../core/hash.js';
import type { DataSource } from './data-source.js';
import { DatasetDigest } from './dataset-digest.js';
import { DigestCache, stampOf } from './digest-cache.js';
import { isTestFile, parseIdxHeader, resolveIdxPairs, type IdxPair } from './idx-format.js';
import { buildLabelMap } from './label-map.js';
import type { OpenDatasetOptions } from './open-options.js';
import { recordHash, unitHash } from './record-hash.js';
import { RangeReader, SequentialFile } from './sequential-file.js';
import { defaultSplitFractions, hashSplit, Split } from './split.js';

interface IdxPart {
  pair: IdxPair;
  name: string;
  headerBytes: number;
  count: number;
  /** first record index of this part in the dataset */
  start: number;
  reader: RangeReader;
}

const READER_VERSION = 1;

async function readLabels(path: string): Promise<Uint8Array> {
  const file = SequentialFile.open(path);
  try {
    const head = await file.read(8);
    const header = parseIdxHeader(head, path);
    if (header.dims.length !== 1) throw badData(`${path}: a labels file has one dimension`);
    const labels = await file.read(header.dims[0]!);
    if (labels.length !== header.dims[0]) throw badData(`${path} is truncated`);
    return new Uint8Array(labels);
  } finally {
    file.close();
  }
}

/** Hashes every record of an images file in one streamed pass (cached by the file's stamp). */
async function hashImages(path: string, headerBytes: number, recordBytes: number, count: number) {
  const file = SequentialFile.open(path);
  const hashes: string[] = [];
  try {
    await file.skip(headerBytes);
    const perBlock = Math.max(1, Math.floor((1 << 20) / recordBytes));
    while (hashes.length < count) {
      const n = Math.min(perBlock, count - hashes.length);
      const block = await file.read(n * recordBytes);
      if (block.length < n * recordBytes) throw badData(`${path} is truncated: fewer than ${count} images`);
      for (let i = 0; i < n; i++)
        hashes.push(recordHash(block.subarray(i * recordBytes, (i + 1) * recordBytes)));
    }
  } finally {
    file.close();
  }
  return hashes;
}

async function readHeader(path: string) {
  const file = SequentialFile.open(path);
  try {
    return parseIdxHeader(await file.read(4 + 4 * 4), path);
  } finally {
    file.close();
  }
}

/**
 * IDX files (MNIST format, `.gz` or not) as a dataset. Records are in file order (pairs sorted by
 * file name), ids are `<images file name>:<index>`, class names are the label digits. When a folder
 * holds both test files (`t10k-…`) and others, the test files are the test split.
 */
export async function openIdxDataset(ref: string, options: OpenDatasetOptions = {}): Promise<DataSource> {
  const pairs = resolveIdxPairs(ref);
  const cache = DigestCache.open<string[]>(options.cacheDir, `idx:${pairs.map((p) => p.images).join(',')}`);
  const parts: IdxPart[] = [];
  const rawLabels: string[] = [];
  const hashes: string[] = [];
  const ids: string[] = [];
  let shape: number[] | undefined;
  for (const pair of pairs) {
    const header = await readHeader(pair.images);
    const [count, height, width, channels = 1] = header.dims;
    if (header.dims.length < 3 || header.dims.length > 4 || !count || !height || !width)
      throw badData(`${pair.images}: IDX images must be N×H×W or N×H×W×C`);
    if (channels !== 1 && channels !== 3)
      throw badData(`${pair.images}: ${channels} channels; 1 or 3 are read`);
    const here = [height, width, channels];
    if (shape && shape.join() !== here.join())
      throw badData(`${pair.images} holds ${here.join('×')} images, unlike ${shape.join('×')} in the others`);
    shape = here;
    const labels = await readLabels(pair.labels);
    if (labels.length !== count)
      throw badData(`${pair.labels} has ${labels.length} labels for ${count} images in ${pair.images}`);
    const stamp = stampOf(pair.images);
    const recordBytes = height * width * channels;
    let fileHashes = cache.get(pair.images, stamp);
    if (fileHashes?.length !== count) {
      fileHashes = await hashImages(pair.images, header.headerBytes, recordBytes, count);
      cache.set(pair.images, stamp, fileHashes);
    }
    const name = basename(pair.images);
    parts.push({
      pair,
      name,
      headerBytes: header.headerBytes,
      count,
      start: ids.length,
      reader: new RangeReader(pair.images),
    });
    for (let i = 0; i < count; i++) {
      ids.push(`${name}:${i}`);
      rawLabels.push(String(labels[i]));
      hashes.push(fileHashes[i]!);
    }
  }
  cache.save();
  const [height, width, channels] = shape!;
  const recordBytes = height! * width! * channels!;
  const seed = options.seed ?? 0;
  const fractions = options.split ?? defaultSplitFractions;
  const testParts = parts.filter((p) => isTestFile(p.pair.images));
  const providedTest = testParts.length > 0 && testParts.length < parts.length;
  let split: Uint8Array;
  if (providedTest) {
    // The test files are the test split; the rest divide into train/val in the asked proportion.
    const trainShare = fractions.train / Math.max(fractions.train + fractions.val, 1e-12);
    split = new Uint8Array(ids.length);
    for (const part of parts) {
      const test = testParts.includes(part);
      for (let i = part.start; i < part.start + part.count; i++)
        split[i] = test
          ? Split.test
          : unitHash(seed, `split/${ids[i]}`) < trainShare
            ? Split.train
            : Split.val;
    }
  } else split = hashSplit(ids, seed, fractions);
  const { classNames, labels } = buildLabelMap(rawLabels);
  const digest = new DatasetDigest({ reader: 'idx', version: READER_VERSION, shape });
  ids.forEach((id, i) => digest.add(id, hashes[i]!, rawLabels[i]!));

  const partOf = (index: number) => {
    const part = parts.find((p) => index >= p.start && index < p.start + p.count);
    if (!part) throw new RangeError(`record ${index} is outside 0..${ids.length - 1}`);
    return part;
  };
  const readRecords = async (indices: readonly number[]) => {
    const pixels = new Uint8Array(indices.length * recordBytes);
    // Contiguous runs within one file are read with one range read each.
    let i = 0;
    while (i < indices.length) {
      const part = partOf(indices[i]!);
      let j = i + 1;
      while (
        j < indices.length &&
        indices[j] === indices[j - 1]! + 1 &&
        indices[j]! < part.start + part.count
      )
        j++;
      const local = indices[i]! - part.start;
      const bytes = await part.reader.read(part.headerBytes + local * recordBytes, (j - i) * recordBytes);
      if (bytes.length < (j - i) * recordBytes) throw badData(`${part.pair.images} is truncated`);
      pixels.set(bytes, i * recordBytes);
      i = j;
    }
    return {
      kind: 'image' as const,
      count: indices.length,
      height: height!,
      width: width!,
      channels: channels!,
      pixels,
    };
  };
  return {
    ref,
    name: statSync(resolve(ref.split(',')[0]!)).isDirectory()
      ? basename(resolve(ref))
      : basename(pairs[0]!.images).replace(/[-.]?(images|idx\d).*$/, '') || 'idx',
    modality: 'image',
    digest: digest.digest(),
    lineage: digestOf({ reader: 'idx', images: pairs.map((p) => p.images) }),
    size: ids.length,
    classNames,
    labels,
    split,
    ids,
    recordHashes: hashes,
    splitRule: providedTest
      ? { method: 'files', test: testParts.map((p) => p.name), seed, ...fractions }
      : { method: 'hash', seed, ...fractions },
    readBatch: (start, count) => readRecords(Array.from({ length: count }, (_, i) => start + i)),
    readRecords,
    async close() {
      await Promise.all(parts.map((p) => p.reader.close()));
    },
  };
}
