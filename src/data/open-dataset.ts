import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { notFound, usageError } from '../core/errors.js';
import { builtinDatasetNames } from './builtin-shapes.js';
import { openBuiltinDataset } from './builtin-source.js';
import type { DataSource } from './data-source.js';
import { isIdxFolder, isIdxRef } from './idx-format.js';
import { openIdxDataset } from './idx-dataset.js';
import { openImageFolder } from './image-folder-dataset.js';
import type { OpenDatasetOptions } from './open-options.js';
import { isImagePathTable, openDelimitedSource } from './sources/delimited-source.js';
import { openDuckdbFileSource } from './sources/duckdb-file-source.js';
import { isParquetFolder, isParquetPath, openParquetSource } from './sources/parquet-source.js';
import { isPostgresRef, redactRef } from './sources/postgres-ref.js';
import { openPostgresSource } from './sources/postgres-source.js';
import { openSqliteSource } from './sources/sqlite-source.js';
import { openTableRecords } from './sources/table-records.js';
import { openTableDataset, tableFormatOf } from './table-dataset.js';

const SQLITE_EXTENSIONS = new Set(['.sqlite', '.sqlite3', '.db']);
const KINDS =
  'a folder of class sub-folders, a .csv/.tsv/.jsonl file, IDX files, a .parquet file or folder, a .sqlite/.db/.duckdb file, a postgresql:// URL';

/**
 * Resolves a data ref (DESIGN.md, "Data refs"): `builtin:NAME`; a folder of class sub-folders of
 * images; a `.csv`/`.tsv`/`.jsonl` file (of texts, or of image paths); a folder of IDX files, one
 * IDX images file (its labels file beside it) or `IMAGES,LABELS`; a `.parquet` file or folder of
 * them; a `.sqlite`/`.sqlite3`/`.db` or `.duckdb` file or a `postgresql://` URL with `table` or
 * `query`. Opening reads every record's content hash (streamed; file hashes cached by stat under
 * `cacheDir`) so the dataset's digest is known before anything is extracted.
 * @example await openDataset('data/pets', { seed: 1, split: { train: 0.8, val: 0.1 } })
 * @example await openDataset('postgresql://me@db:5432/photos', { table: 'images', labelColumn: 'species' })
 */
export async function openDataset(ref: string, options: OpenDatasetOptions = {}): Promise<DataSource> {
  const spec = {
    ...(options.table === undefined ? {} : { table: options.table }),
    ...(options.query === undefined ? {} : { query: options.query }),
  };
  if (isPostgresRef(ref)) return openTableRecords(await openPostgresSource(ref, spec), options);
  const database = (kind: string) => {
    if (!spec.table && !spec.query) return;
    throw usageError(`--table and --query read databases, but ${redactRef(ref)} is ${kind}; drop them`);
  };
  if (ref.startsWith('builtin:')) {
    database('a built-in dataset');
    return openBuiltinDataset(ref, options);
  }
  if (isIdxRef(ref)) return openIdxDataset(ref, options);
  const path = resolve(ref);
  if (!existsSync(path)) {
    const builtins = builtinDatasetNames().map((n) => `builtin:${n}`);
    throw notFound(`data ${ref} not found; pass ${KINDS}, or one of ${builtins.join(', ')}`);
  }
  const ext = extname(path).toLowerCase();
  if (SQLITE_EXTENSIONS.has(ext)) return openTableRecords(await openSqliteSource(ref, spec), options);
  if (ext === '.duckdb') return openTableRecords(await openDuckdbFileSource(ref, spec), options);
  if (statSync(path).isDirectory()) {
    database('a folder');
    if (isIdxFolder(path)) return openIdxDataset(ref, options);
    if (isParquetFolder(path)) return openTableRecords(await openParquetSource(ref), options);
    return openImageFolder(ref, options);
  }
  database('a file');
  if (isParquetPath(path)) return openTableRecords(await openParquetSource(ref), options);
  const format = tableFormatOf(path);
  if (format) {
    if (await isImagePathTable(path, format, options))
      return openTableRecords(await openDelimitedSource(ref, format), options);
    return openTableDataset(ref, options);
  }
  throw usageError(`data ${ref}: unknown kind; pass ${KINDS}`);
}
