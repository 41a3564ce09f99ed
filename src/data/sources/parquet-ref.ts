import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

/*
 * Telling a Parquet ref apart needs only the file system: kept out of parquet-source.ts, whose
 * DuckDB binding takes seconds to load, so opening other kinds of data never loads it.
 */

export const isParquetPath = (path: string) => extname(path).toLowerCase() === '.parquet';

/** A folder holding only `.parquet` files (hidden and `_SUCCESS`-style files aside). */
export function isParquetFolder(path: string): boolean {
  if (!statSync(path).isDirectory()) return false;
  let parquet = false;
  const walk = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).every((entry) => {
      if (entry.name.startsWith('.') || entry.name.startsWith('_')) return true;
      if (entry.isDirectory()) return walk(join(dir, entry.name));
      if (isParquetPath(entry.name)) parquet = true;
      return isParquetPath(entry.name);
    });
  return walk(path) && parquet;
}
