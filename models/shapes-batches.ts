import { IMAGE_SIZE, renderShapeRecord, SHAPE_IMAGE_BYTES, type ShapeLabelSet } from '../datasets/shapes.js';
import { writeChw } from '../src/data/image-tensor.js';

const imageShape = { height: IMAGE_SIZE, width: IMAGE_SIZE, channels: 3 };

/** A block of rendered records kept as bytes (4× smaller than floats) and labels for one label set. */
export interface RenderedRecords {
  count: number;
  pixels: Uint8Array;
  labels: Int32Array;
}

export function renderRecords(
  seed: number,
  first: number,
  count: number,
  labelSet: ShapeLabelSet,
): RenderedRecords {
  const pixels = new Uint8Array(count * SHAPE_IMAGE_BYTES);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const record = renderShapeRecord(
      seed,
      first + i,
      pixels.subarray(i * SHAPE_IMAGE_BYTES, (i + 1) * SHAPE_IMAGE_BYTES),
    );
    labels[i] = record.labels[labelSet];
  }
  return { count, pixels, labels };
}

/** NCHW float32 in [0, 1] for the records at `indices`. */
export function batchImages(records: RenderedRecords, indices: ArrayLike<number>): Float32Array {
  const images = new Float32Array(indices.length * SHAPE_IMAGE_BYTES);
  for (let b = 0; b < indices.length; b++) {
    const index = indices[b]!;
    const pixels = records.pixels.subarray(index * SHAPE_IMAGE_BYTES, (index + 1) * SHAPE_IMAGE_BYTES);
    writeChw(pixels, images, b * SHAPE_IMAGE_BYTES, imageShape);
  }
  return images;
}

/** One-hot rows [indices.length, classes] of the records' labels. */
export function batchOneHot(
  records: RenderedRecords,
  indices: ArrayLike<number>,
  classes: number,
): Float32Array {
  const onehot = new Float32Array(indices.length * classes);
  for (let b = 0; b < indices.length; b++) onehot[b * classes + records.labels[indices[b]!]!] = 1;
  return onehot;
}
