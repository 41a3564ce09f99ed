import { IMAGE_SIZE, renderShapeRecord, SHAPE_IMAGE_BYTES } from '../../datasets/shapes.js';
import { notFound } from '../core/errors.js';
import { builtinDataset, builtinDatasetNames, demoDatasetSeed } from './builtin-shapes.js';
import type { DataSource } from './data-source.js';

/** Resolves a data ref (DESIGN.md, "Data refs"). Built-in generators for now; file readers come with issue 4. */
export function openDataset(ref: string): DataSource {
  if (!ref.startsWith('builtin:')) {
    const names = builtinDatasetNames().map((n) => `builtin:${n}`);
    throw notFound(`data ${ref}: only built-in datasets are readable yet (${names.join(', ')})`);
  }
  const dataset = builtinDataset(ref.slice('builtin:'.length));
  return {
    ref,
    name: dataset.name,
    modality: 'image',
    digest: dataset.digest,
    size: dataset.count,
    classNames: [...dataset.classNames],
    labels: dataset.labels,
    split: dataset.split,
    ids: [...dataset.ids],
    readBatch(start, count) {
      const pixels = new Uint8Array(count * SHAPE_IMAGE_BYTES);
      for (let i = 0; i < count; i++) {
        renderShapeRecord(
          demoDatasetSeed,
          start + i,
          pixels.subarray(i * SHAPE_IMAGE_BYTES, (i + 1) * SHAPE_IMAGE_BYTES),
        );
      }
      return Promise.resolve({
        kind: 'image',
        count,
        height: IMAGE_SIZE,
        width: IMAGE_SIZE,
        channels: 3,
        pixels,
      });
    },
  };
}
