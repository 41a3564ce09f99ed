import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { badData } from '../core/errors.js';
import { digestOf } from '../core/hash.js';
import type { DataSource, ReadOptions } from './data-source.js';
import { datasetDigest } from './dataset-digest.js';
import { DigestCache, stampOf } from './digest-cache.js';
import { decodeImage, decodeReason, type DecodedImage } from './image-decode.js';
import { scanImageFolder } from './image-folder-scan.js';
import { buildLabelMap } from './label-map.js';
import { mapLimit } from './concurrency.js';
import type { OpenDatasetOptions } from './open-options.js';
import type { DecodeFailure, ImageBatch } from './record-batch.js';
import { recordHash } from './record-hash.js';
import { defaultSplitFractions, hashSplit, Split } from './split.js';
import { unitHash } from './record-hash.js';

/** Files read at once while hashing or decoding: enough to keep sharp's thread pool busy. */
const IO_CONCURRENCY = 16;
const DECODE_CONCURRENCY = 8;

/**
 * A folder of class sub-folders of images as a dataset. Opening hashes every file (cached by stat
 * under the home, so reopening an unchanged folder costs one `stat` per file); pixels are decoded
 * per batch. A file that fails to decode comes back in the batch's `failed` list with zero pixels.
 */
export async function openImageFolder(ref: string, options: OpenDatasetOptions = {}): Promise<DataSource> {
  const root = resolve(ref);
  const groupByFolder = options.groupBy === 'folder';
  const { files, skipped, splitLayout } = scanImageFolder(root, groupByFolder);
  const cache = DigestCache.open<string>(options.cacheDir, `images:${root}`);
  const hashes = await mapLimit(files, IO_CONCURRENCY, async (file) => {
    const stamp = stampOf(file.path);
    const cached = cache.get(file.id, stamp);
    if (cached) return cached;
    const hash = recordHash(await readFile(file.path));
    cache.set(file.id, stamp, hash);
    return hash;
  });
  cache.save();
  const ids = files.map((f) => f.id);
  const rawLabels = files.map((f) => f.label);
  const seed = options.seed ?? 0;
  const fractions = options.split ?? defaultSplitFractions;
  let split: Uint8Array;
  if (splitLayout) {
    // A folder without its own val/ gives part of train/ to validation, by record hash.
    const hasVal = files.some((f) => f.split === Split.val);
    const trainShare = fractions.train / Math.max(fractions.train + fractions.val, 1e-12);
    split = Uint8Array.from(files, (f) =>
      f.split === Split.train && !hasVal && unitHash(seed, `split/${f.id}`) >= trainShare
        ? Split.val
        : f.split!,
    );
  } else split = hashSplit(ids, seed, fractions);
  const { classNames, labels } = buildLabelMap(rawLabels);

  const readRecords = async (indices: readonly number[], read: ReadOptions = {}): Promise<ImageBatch> => {
    const failed: DecodeFailure[] = [];
    const images = await mapLimit(indices, DECODE_CONCURRENCY, async (index, position) => {
      const file = files[index];
      if (!file) throw new RangeError(`record ${index} is outside 0..${files.length - 1}`);
      try {
        return await decodeImage(await readFile(file.path), read.imageSize);
      } catch (error) {
        failed.push({ position, id: file.id, reason: decodeReason(error) });
        return undefined;
      }
    });
    const first = images.find((image): image is DecodedImage => image !== undefined);
    const [height, width] = read.imageSize ?? [first?.height ?? 1, first?.width ?? 1];
    const bytes = height * width * 3;
    const pixels = new Uint8Array(indices.length * bytes);
    images.forEach((image, position) => {
      if (!image) return;
      if (image.height !== height || image.width !== width)
        throw badData(
          `${files[indices[position]!]!.id} is ${image.width}×${image.height}, others ${width}×${height}; pass --resize H,W`,
        );
      pixels.set(image.pixels, position * bytes);
    });
    failed.sort((a, b) => a.position - b.position);
    return {
      kind: 'image',
      count: indices.length,
      height,
      width,
      channels: 3,
      pixels,
      ...(failed.length ? { failed } : {}),
    };
  };

  return {
    ref,
    name: basename(root),
    modality: 'image',
    digest: datasetDigest({ reader: 'image-folder', version: 1 }, ids, hashes, rawLabels),
    lineage: digestOf({ reader: 'image-folder', root }),
    size: files.length,
    classNames,
    labels,
    split,
    ids,
    recordHashes: hashes,
    splitRule: splitLayout
      ? {
          method: 'files',
          test: files.filter((f) => f.split === Split.test).length ? ['test/'] : [],
          seed,
          ...fractions,
        }
      : { method: 'hash', seed, ...fractions },
    skipped,
    ...(groupByFolder
      ? { groups: files.map((f) => f.group ?? ''), groupRule: { method: 'folder' as const } }
      : {}),
    readBatch: (start, count, read) =>
      readRecords(
        Array.from({ length: count }, (_, i) => start + i),
        read,
      ),
    readRecords,
  };
}
