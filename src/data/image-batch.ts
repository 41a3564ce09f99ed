import { badData } from '../core/errors.js';
import { mapLimit } from './concurrency.js';
import type { ReadOptions } from './data-source.js';
import { decodeImage, decodeReason, type DecodedImage } from './image-decode.js';
import type { DecodeFailure, ImageBatch } from './record-batch.js';

/** Images decoded at once: enough to keep sharp's thread pool busy. */
const DECODE_CONCURRENCY = 8;

/**
 * Decodes encoded images (files, BLOBs) into one batch. A record whose bytes do not decode comes
 * back in `failed` with zero pixels (the executor skips it, or fails under `--strict`); images of
 * different sizes need `imageSize`.
 */
export async function decodeImageBatch(
  records: readonly { id: string; load: () => Promise<Uint8Array> }[],
  read: ReadOptions = {},
): Promise<ImageBatch> {
  const failed: DecodeFailure[] = [];
  const images = await mapLimit(records, DECODE_CONCURRENCY, async (record, position) => {
    try {
      return await decodeImage(await record.load(), read.imageSize);
    } catch (error) {
      failed.push({ position, id: record.id, reason: decodeReason(error) });
      return undefined;
    }
  });
  const first = images.find((image): image is DecodedImage => image !== undefined);
  const [height, width] = read.imageSize ?? [first?.height ?? 1, first?.width ?? 1];
  const bytes = height * width * 3;
  const pixels = new Uint8Array(records.length * bytes);
  images.forEach((image, position) => {
    if (!image) return;
    if (image.height !== height || image.width !== width)
      throw badData(
        `${records[position]!.id} is ${image.width}×${image.height}, others ${width}×${height}; pass --resize H,W`,
      );
    pixels.set(image.pixels, position * bytes);
  });
  failed.sort((a, b) => a.position - b.position);
  return {
    kind: 'image',
    count: records.length,
    height,
    width,
    channels: 3,
    pixels,
    ...(failed.length ? { failed } : {}),
  };
}
