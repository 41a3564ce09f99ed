import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { fetchQueries, orderFetched, quoteIdent, selectList, textOf } from './sql-text.js';
import type { ColumnKind, Row, RowSelection, TableColumn, TableSource } from './table-source.js';

/** Rows per batch of a scan: DuckDB's own chunk size. */
const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

export function duckdbKind(type: string): ColumnKind {
  if (type === 'VARCHAR') return 'text';
  if (type === 'BLOB') return 'bytes';
  return NUMERIC.test(type) ? 'number' : 'other';
}

/** The columns of a relation, from DuckDB's DESCRIBE. */
export async function describeRelation(
  connection: DuckDBConnection,
  relation: string,
): Promise<TableColumn[]> {
  const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
  return reader.getRowObjectsJS().map((row) => {
    const type = textOf(row.column_type);
    return { name: textOf(row.column_name), type, kind: duckdbKind(type) };
  });
}

/**
 * A TableSource over any relation DuckDB can read (a Parquet scan, a table or query of a `.duckdb`
 * file): rows stream chunk by chunk, so memory stays flat.
 */
export function duckdbTableSource(
  instance: DuckDBInstance,
  connection: DuckDBConnection,
  relation: string,
  info: Omit<TableSource, 'scan' | 'fetch' | 'close'>,
): TableSource {
  return {
    ...info,
    async *scan(columns: readonly string[], orderBy?: string) {
      const order = orderBy === undefined ? '' : ` ORDER BY ${quoteIdent(orderBy)}`;
      const result = await connection.stream(`SELECT ${selectList(columns)} FROM ${relation}${order}`);
      for await (const rows of result.yieldRowObjectJs()) yield rows;
    },
    async fetch(columns: readonly string[], selection: RowSelection) {
      const rows: Row[] = [];
      for (const sql of fetchQueries(relation, columns, selection))
        rows.push(...((await connection.runAndReadAll(sql)).getRowObjectsJS() as Row[]));
      return orderFetched(rows, selection);
    },
    close() {
      connection.closeSync();
      instance.closeSync();
      return Promise.resolve();
    },
  };
}
