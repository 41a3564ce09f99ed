import { basename, dirname, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { badData, notFound } from '../../core/errors.js';
import { describeRelation, duckdbTableSource } from './duckdb-relation.js';
import { relationOf, sqlLiteral, textOf } from './sql-text.js';
import type { TableSource } from './table-source.js';
import { requireTableOrQuery, type TableOrQuery } from './table-or-query.js';

/** A table or query of a `.duckdb` database file, opened read-only. */
export async function openDuckdbFileSource(ref: string, spec: TableOrQuery): Promise<TableSource> {
  const path = resolve(ref);
  requireTableOrQuery(ref, spec);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY', threads: '2' });
  } catch (error) {
    throw badData(
      `${ref} is not a DuckDB database (${String((error as Error).message).split('\n')[0]}); pass a .duckdb file`,
      error,
    );
  }
  const connection = await instance.connect();
  const fail = (error: Error): never => {
    connection.closeSync();
    instance.closeSync();
    throw error;
  };
  let primaryKey: string | undefined;
  if (spec.table !== undefined) {
    const tables = (
      await connection.runAndReadAll(`SELECT table_name FROM duckdb_tables() ORDER BY table_name`)
    )
      .getRowObjectsJS()
      .map((row) => textOf(row.table_name));
    if (!tables.includes(spec.table))
      fail(
        notFound(
          `table ${spec.table} is not in ${ref} (tables: ${tables.join(', ') || 'none'}); fix --table`,
        ),
      );
    const keys = (
      await connection.runAndReadAll(
        `SELECT constraint_column_names AS names FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' AND table_name = ${sqlLiteral(spec.table)}`,
      )
    ).getRowObjectsJS();
    const names = keys[0]?.names;
    if (Array.isArray(names) && names.length === 1) primaryKey = textOf(names[0]);
  }
  const relation = relationOf(spec);
  let columns;
  try {
    columns = await describeRelation(connection, relation);
  } catch (error) {
    return fail(
      badData(
        `${ref}: the query fails (${String((error as Error).message).split('\n')[0]}); fix --query`,
        error,
      ),
    );
  }
  return duckdbTableSource(instance, connection, relation, {
    ref,
    name: spec.table ?? basename(path).replace(/\.[^.]+$/, ''),
    description: { reader: 'duckdb', path, ...spec },
    baseDir: dirname(path),
    columns,
    ...(primaryKey === undefined ? {} : { primaryKey }),
    sortsByKey: spec.table !== undefined,
  });
}
