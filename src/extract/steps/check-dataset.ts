import { badData } from '../../core/errors.js';
import type { SkippedRecord } from '../../data/data-source.js';
import type { ExtractOptions } from '../extract-options.js';

/** Refuses an empty dataset, or one of another modality than the model takes, before anything opens. */
export function checkDataset(options: ExtractOptions, skipped: readonly SkippedRecord[]): void {
  const { backbone, dataset } = options;
  if (dataset.size === 0) throw nothingReadable(dataset.ref, skipped.length, skipped[0]);
  if (dataset.modality !== options.preprocess.kind) {
    const [takes, holds] = options.preprocess.kind === 'image' ? ['images', 'text'] : ['text', 'images'];
    throw badData(
      `${backbone.ref} takes ${takes}, but ${dataset.ref} holds ${holds}; pass a dataset of ${takes}, or a model that takes ${holds}`,
    );
  }
}

export function nothingReadable(ref: string, count: number, first: SkippedRecord | undefined): Error {
  if (count === 0) return badData(`${ref} holds no records; pass a dataset with labelled records`);
  const example = first ? ` (${first.id}: ${first.reason})` : '';
  return badData(
    `none of the ${count} records could be read${example}; check ${ref} holds data the model can take, or fix those files`,
  );
}
