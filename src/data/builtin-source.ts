import { builtinDataset } from './builtin-shapes.js';
import { builtinGroupedDatasetNames, openGroupedShapes } from './builtin-groups.js';
import type { DataSource } from './data-source.js';
import type { OpenDatasetOptions } from './open-options.js';

/** A built-in generator (`builtin:NAME`) as a data source; its records are rendered on demand. */
export function openBuiltinDataset(ref: string, options: OpenDatasetOptions = {}): DataSource {
  if (builtinGroupedDatasetNames.includes(ref.slice('builtin:'.length)))
    return openGroupedShapes(ref, options);
  const dataset = builtinDataset(ref.slice('builtin:'.length), {
    ...(options.count === undefined ? {} : { count: options.count }),
  });
  const { height, width, channels } = dataset.imageShape;
  const render = (indices: readonly number[]) =>
    Promise.resolve({
      kind: 'image' as const,
      count: indices.length,
      height,
      width,
      channels,
      pixels: dataset.renderPixels(indices),
    });
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
    splitRule: { method: 'stratified', seed: dataset.seed, train: 0.7, val: 0.15 },
    readBatch: (start, count) => render(Array.from({ length: count }, (_, i) => start + i)),
    readRecords: render,
  };
}
