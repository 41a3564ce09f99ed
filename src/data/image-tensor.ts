/**
 * Copies one HWC uint8 image into a CHW float32 slot of a batch, times `scale` (1/255 maps bytes
 * to [0, 1]). `offset` is in elements of `out`.
 */
export function writeChw(
  pixels: Uint8Array,
  out: Float32Array,
  offset: number,
  shape: { height: number; width: number; channels: number },
  scale = 1 / 255,
): void {
  const plane = shape.height * shape.width;
  const { channels } = shape;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) out[offset + c * plane + p] = pixels[p * channels + c]! * scale;
  }
}
