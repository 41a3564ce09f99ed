import { notFound } from '../core/errors.js';
import { builtinDataset, builtinDatasetNames } from './builtin-shapes.js';
import type { DataSource } from './data-source.js';

/** Resolves a data ref (DESIGN.md, "Data refs"). Built-in generators for now; file readers come with issue 4. */
export function openDataset(ref: string): DataSource {
  if (!ref.startsWith('builtin:')) {
    throw notFound(
      `data ${ref}: only built-in datasets are readable yet (${builtinDatasetNames()
        .map((n) => `builtin:${n}`)
        .join(', ')})`,
    );
  }
  const dataset = builtinDataset(ref.slice('builtin:'.length));
  return {
    ref,
    name: dataset.name,
    digest: dataset.digest,
    size: dataset.count,
    classNames: [...dataset.classNames],
    labels: dataset.labels,
    split: dataset.split,
    ids: [...dataset.ids],
    preprocessing: {
      generator: dataset.name,
      scale: 1 / 255,
      layout: 'nchw',
      channels: 'rgb',
      size: [dataset.imageShape.height, dataset.imageShape.width],
    },
    readBatch: (start, count) =>
      Promise.resolve(dataset.renderBatch(Array.from({ length: count }, (_, i) => start + i))),
  };
}
