import sharp from 'sharp';

export interface DecodedImage {
  /** HWC, 3 channels (RGB), uint8 */
  pixels: Uint8Array;
  height: number;
  width: number;
}

/**
 * Decodes an image file's bytes to RGB pixels with sharp: alpha dropped, gray and CMYK converted to
 * sRGB, 16-bit samples reduced to 8 (what PIL's `convert('RGB')` gives). No EXIF rotation, as
 * torchvision's ImageFolder. With `size` ([height, width]) an image of another size is resized to
 * it (bilinear, aspect ignored). Throws when the bytes are not a readable image.
 */
export async function decodeImage(
  bytes: Uint8Array,
  size?: readonly [number, number],
): Promise<DecodedImage> {
  const decoded = await sharp(bytes)
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  let { data, info } = decoded;
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
  // Most datasets already match the model's size; only the others pay for a second pipeline.
  if (size && (info.height !== size[0] || info.width !== size[1])) {
    ({ data, info } = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
      .resize(size[1], size[0], { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer({ resolveWithObject: true }));
  }
  return {
    pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    height: info.height,
    width: info.width,
  };
}

/** The first line of a decoder's message, for listing a skipped file. */
export function decodeReason(error: unknown): string {
  return String((error as Error).message ?? error)
    .split('\n')[0]!
    .slice(0, 200);
}
