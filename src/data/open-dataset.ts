import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { notFound, usageError } from '../core/errors.js';
import { builtinDatasetNames } from './builtin-shapes.js';
import { builtinGroupedDatasetNames } from './builtin-groups.js';
import type { DataSource } from './data-source.js';
import { isIdxFolder, isIdxRef } from './idx-format.js';
import type { OpenDatasetOptions } from './open-options.js';
import { isParquetFolder, isParquetPath } from './sources/parquet-ref.js';
import { isPostgresRef, redactRef } from './sources/postgres-ref.js';
import type { TableSource } from './sources/table-source.js';
import { openTableDataset, tableFormatOf } from './table-dataset.js';

/*
 * Each reader loads only when a ref of its kind is opened: the database drivers (DuckDB, pg, the
 * SQLite WASM build) and sharp take seconds to load on a busy machine, and every command that opens
 * data paid for all of them before its first record (start-up time, issue 12).
 */
const idx = () => import('./idx-dataset.js');
const imageFolder = () => import('./image-folder-dataset.js');
const delimited = () => import('./sources/delimited-source.js');
const builtin = () => import('./builtin-source.js');
/** A table source's rows as records (images read from paths or bytes, text as it is). */
const records = async (source: TableSource, options: OpenDatasetOptions) =>
  (await import('./sources/table-records.js')).openTableRecords(source, options);
const postgres = async (ref: string, spec: { table?: string; query?: string }) =>
  (await import('./sources/postgres-source.js')).openPostgresSource(ref, spec);
const sqlite = async (ref: string, spec: { table?: string; query?: string }) =>
  (await import('./sources/sqlite-source.js')).openSqliteSource(ref, spec);
const duckdbFile = async (ref: string, spec: { table?: string; query?: string }) =>
  (await import('./sources/duckdb-file-source.js')).openDuckdbFileSource(ref, spec);
const parquet = async (ref: string) => (await import('./sources/parquet-source.js')).openParquetSource(ref);

const SQLITE_EXTENSIONS = new Set(['.sqlite', '.sqlite3', '.db']);
const KINDS =
  'a folder of class sub-folders, a .csv/.tsv/.jsonl file, IDX files, a .parquet file or folder, a .sqlite/.db/.duckdb file, a postgresql:// URL';

/**
 * Resolves a data ref (docs/contract.md, "Data refs"): `builtin:NAME`; a folder of class sub-folders of
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
  if (isPostgresRef(ref)) return records(await postgres(ref, spec), options);
  const database = (kind: string) => {
    if (!spec.table && !spec.query) return;
    throw usageError(`--table and --query read databases, but ${redactRef(ref)} is ${kind}; drop them`);
  };
  if (ref.startsWith('builtin:')) {
    database('a built-in dataset');
    return (await builtin()).openBuiltinDataset(ref, options);
  }
  if (isIdxRef(ref)) return (await idx()).openIdxDataset(ref, options);
  const path = resolve(ref);
  if (!existsSync(path)) {
    const builtins = [...builtinDatasetNames(), ...builtinGroupedDatasetNames].map((n) => `builtin:${n}`);
    throw notFound(`data ${ref} not found; pass ${KINDS}, or one of ${builtins.join(', ')}`);
  }
  const ext = extname(path).toLowerCase();
  if (SQLITE_EXTENSIONS.has(ext)) return records(await sqlite(ref, spec), options);
  if (ext === '.duckdb') return records(await duckdbFile(ref, spec), options);
  if (statSync(path).isDirectory()) {
    database('a folder');
    if (isIdxFolder(path)) return (await idx()).openIdxDataset(ref, options);
    if (isParquetFolder(path)) return records(await parquet(ref), options);
    return (await imageFolder()).openImageFolder(ref, options);
  }
  database('a file');
  if (isParquetPath(path)) return records(await parquet(ref), options);
  const format = tableFormatOf(path);
  if (format) {
    const { isImagePathTable, openDelimitedSource } = await delimited();
    if (await isImagePathTable(path, format, options))
      return records(await openDelimitedSource(ref, format), options);
    // texts are re-read from the file by byte range, and rows by position: ids are row numbers
    if (options.idColumn !== undefined || options.groupColumn !== undefined)
      throw usageError(
        `${ref}: --id-column and --group-column are not supported yet for CSV/TSV/JSONL tables of texts; drop them (row numbers are the ids)`,
      );
    return openTableDataset(ref, options);
  }
  throw usageError(`data ${ref}: unknown kind; pass ${KINDS}`);
}
