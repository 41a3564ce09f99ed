import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { badData, usageError } from '../../core/errors.js';
import { describeRelation, duckdbTableSource } from './duckdb-relation.js';
import { isParquetPath } from './parquet-ref.js';
import { sqlLiteral } from './sql-text.js';
import type { TableSource } from './table-source.js';

/** The non-Parquet files of a folder (Hive-style `key=value` sub-folders allowed), for refusing it. */
function strayFiles(root: string, dir = root, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) strayFiles(root, path, out);
    else if (!isParquetPath(entry.name)) out.push(relative(root, path));
  }
  return out;
}

/**
 * A Parquet file, or a folder of them (Hive-style `key=value` sub-folders become columns), read
 * with DuckDB (`@duckdb/node-api`: a prebuilt Node-API binding, no install script; docs/data-sources.md
 * has the measurement behind the choice). Rows stream in file order.
 */
export async function openParquetSource(ref: string): Promise<TableSource> {
  const path = resolve(ref);
  const folder = statSync(path).isDirectory();
  if (folder) {
    const stray = strayFiles(path);
    if (stray.length)
      throw usageError(
        `${ref} holds files that are not Parquet (${stray.slice(0, 3).join(', ')}); pass a folder of .parquet files only`,
      );
  }
  const pattern = folder ? join(path, '**', '*.parquet') : path;
  const relation = `read_parquet(${sqlLiteral(pattern)}${folder ? ', hive_partitioning = true' : ''})`;
  // one DuckDB thread: the scan streams row groups in order, and a second thread only holds a second
  // row group's buffers at once (peak RSS 10N ÷ N 1.21–1.27 with two, 1.11–1.16 with one; rows per
  // second unchanged, as decoding and inference dominate: bench/data-sources.ts)
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const columns = await describeRelation(connection, relation);
    return duckdbTableSource(instance, connection, relation, {
      ref,
      name: basename(path).replace(/\.parquet$/i, ''),
      description: { reader: 'parquet', path },
      baseDir: folder ? path : dirname(path),
      columns,
      sortsByKey: false,
    });
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    const message = String((error as Error).message).split('\n')[0];
    throw badData(
      `${ref} is not a readable Parquet file (${message}); pass a .parquet file written by a Parquet writer`,
      error,
    );
  }
}
