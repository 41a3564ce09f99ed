import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { notFound, usageError } from '../core/errors.js';
import { builtinDatasetNames } from './builtin-shapes.js';
import { openBuiltinDataset } from './builtin-source.js';
import type { DataSource } from './data-source.js';
import { isIdxFolder, isIdxRef } from './idx-format.js';
import { openIdxDataset } from './idx-dataset.js';
import { openImageFolder } from './image-folder-dataset.js';
import type { OpenDatasetOptions } from './open-options.js';
import { openTableDataset, tableFormatOf } from './table-dataset.js';

/**
 * Resolves a data ref (DESIGN.md, "Data refs"): `builtin:NAME`; a folder of class sub-folders of
 * images; a `.csv`/`.tsv`/`.jsonl` file; a folder of IDX files, one IDX images file (its labels
 * file beside it) or `IMAGES,LABELS`. Opening reads every record's content hash (streamed; cached
 * by stat under `cacheDir`) so the dataset's digest is known before anything is extracted.
 * @example await openDataset('data/pets', { seed: 1, split: { train: 0.8, val: 0.1 } })
 */
export async function openDataset(ref: string, options: OpenDatasetOptions = {}): Promise<DataSource> {
  if (ref.startsWith('builtin:')) return openBuiltinDataset(ref, options);
  if (isIdxRef(ref)) return openIdxDataset(ref, options);
  const path = resolve(ref);
  if (!existsSync(path)) {
    const builtins = builtinDatasetNames().map((n) => `builtin:${n}`);
    throw notFound(
      `data ${ref} not found; pass a folder of class sub-folders, a .csv/.tsv/.jsonl file, IDX files or one of ${builtins.join(', ')}`,
    );
  }
  if (statSync(path).isDirectory()) {
    return isIdxFolder(path) ? openIdxDataset(ref, options) : openImageFolder(ref, options);
  }
  if (tableFormatOf(path)) return openTableDataset(ref, options);
  throw usageError(
    `data ${ref}: unknown kind; pass a folder of class sub-folders, a .csv/.tsv/.jsonl file or IDX files`,
  );
}
