import { notFound } from '../core/errors.js';
import { builtinDataset, builtinDatasetNames } from './builtin-shapes.js';
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
      const { height, width, channels } = dataset.imageShape;
      const pixels = dataset.renderPixels(Array.from({ length: count }, (_, i) => start + i));
      return Promise.resolve({ kind: 'image', count, height, width, channels, pixels });
    },
  };
}
