import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, FLOAT, LIST, listValue, type DuckDBAppender } from '@duckdb/node-api';
import { LayerlabError } from '../core/errors.js';

/** One column of a Parquet file, filled row by row. */
export type ParquetColumn =
  | { name: string; type: 'VARCHAR'; value: (row: number) => string }
  | { name: string; type: 'BIGINT'; value: (row: number) => bigint }
  | { name: string; type: 'UTINYINT' | 'FLOAT'; value: (row: number) => number }
  /** a float32 vector per row (`FLOAT[]`, a Parquet list of float) */
  | { name: string; type: 'FLOAT[]'; chunk: (start: number, count: number) => Float32Array; dims: number };

/** Rows appended between reads of vector columns: bounded memory however big the table is. */
const CHUNK_ROWS = 4096;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function appendChunk(
  appender: DuckDBAppender,
  columns: readonly ParquetColumn[],
  start: number,
  count: number,
) {
  const vectors = columns.map((c) => (c.type === 'FLOAT[]' ? c.chunk(start, count) : undefined));
  for (let i = 0; i < count; i++) {
    const row = start + i;
    columns.forEach((column, c) => {
      switch (column.type) {
        case 'VARCHAR':
          return appender.appendVarchar(column.value(row));
        case 'BIGINT':
          return appender.appendBigInt(column.value(row));
        case 'UTINYINT':
          return appender.appendUTinyInt(column.value(row));
        case 'FLOAT':
          return appender.appendFloat(column.value(row));
        case 'FLOAT[]':
          return appender.appendList(
            listValue(Array.from(vectors[c]!.subarray(i * column.dims, (i + 1) * column.dims))),
            LIST(FLOAT),
          );
      }
    });
    appender.endRow();
  }
}

/**
 * Writes one Parquet file (zstd) through DuckDB, which pandas/pyarrow, polars and DuckDB read: rows
 * are appended to an in-memory table a chunk at a time, copied out under a temporary name and
 * renamed, so a failed write leaves nothing half-written. Float values go in as float32 and come
 * back bit for bit.
 */
export async function writeParquet(
  path: string,
  rows: number,
  columns: readonly ParquetColumn[],
): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    mkdirSync(dirname(path), { recursive: true });
    await connection.run(`CREATE TABLE out (${columns.map((c) => `${quote(c.name)} ${c.type}`).join(', ')})`);
    const appender = await connection.createAppender('out');
    for (let start = 0; start < rows; start += CHUNK_ROWS)
      appendChunk(appender, columns, start, Math.min(CHUNK_ROWS, rows - start));
    appender.closeSync();
    await connection.run(`COPY out TO '${temp.replace(/'/g, "''")}' (FORMAT parquet, COMPRESSION zstd)`);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    if (error instanceof LayerlabError) throw error;
    throw new LayerlabError(
      'IO',
      `cannot write ${path} (${String((error as Error).message).split('\n')[0]}); pass --out with a writable path`,
      { cause: error },
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
