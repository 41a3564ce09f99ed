import { basename, dirname, resolve } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import sqlite from 'node-sqlite3-wasm';
import { badData, notFound } from '../../core/errors.js';
import { fetchQueries, orderFetched, quoteIdent, relationOf, selectList, textOf } from './sql-text.js';
import { requireTableOrQuery, type TableOrQuery } from './table-or-query.js';
import type { ColumnKind, Row, TableColumn, TableSource } from './table-source.js';

/** Rows handed on per batch of a scan. */
const SCAN_BATCH = 256;

/** SQLite's type affinity rules (sqlite.org/datatype3.html §3.1) applied to a declared type. */
function affinityKind(declared: string): ColumnKind {
  const type = declared.toUpperCase();
  if (type.includes('INT')) return 'number';
  if (/CHAR|CLOB|TEXT/.test(type)) return 'text';
  if (type.includes('BLOB') || type === '') return 'bytes';
  return 'number';
}

/** A query's columns have no declared types: judge each by its first non-NULL value. */
function valueKind(value: unknown): ColumnKind {
  return value instanceof Uint8Array
    ? 'bytes'
    : typeof value === 'string'
      ? 'text'
      : typeof value === 'number' || typeof value === 'bigint'
        ? 'number'
        : 'other';
}

const firstLine = (error: unknown) => String((error as Error).message).split('\n')[0];

/**
 * A table or query of a SQLite file (`.sqlite`, `.sqlite3`, `.db`), read with node-sqlite3-wasm:
 * SQLite compiled to WebAssembly, which reads the file through Node's fs page by page (never
 * whole) and needs no install script. DuckDB's sqlite extension would have to be downloaded.
 */
export function openSqliteSource(ref: string, spec: TableOrQuery): Promise<TableSource> {
  const path = resolve(ref);
  requireTableOrQuery(ref, spec);
  let db: sqlite.Database;
  try {
    db = new sqlite.Database(path, { readOnly: true, fileMustExist: true });
    db.get('SELECT count(*) FROM sqlite_master');
  } catch (error) {
    throw badData(`${ref} is not a SQLite database (${firstLine(error)}); pass a SQLite file`, error);
  }
  const fail = (error: Error): never => {
    db.close();
    throw error;
  };
  let columns: TableColumn[];
  let primaryKey: string | undefined;
  if (spec.table !== undefined) {
    const tables = db
      .all(`SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name`)
      .map((row) => textOf(row.name));
    if (!tables.includes(spec.table))
      fail(
        notFound(
          `table ${spec.table} is not in ${ref} (tables: ${tables.join(', ') || 'none'}); fix --table`,
        ),
      );
    const info = db.all(`PRAGMA table_info(${quoteIdent(spec.table)})`);
    columns = info.map((row) => ({
      name: textOf(row.name),
      type: textOf(row.type) || 'BLOB',
      kind: affinityKind(textOf(row.type)),
    }));
    const keys = info.filter((row) => Number(row.pk) > 0);
    if (keys.length === 1) primaryKey = textOf(keys[0]!.name);
  } else {
    let sample: Row[] = [];
    try {
      sample = db.all(`SELECT * FROM ${relationOf(spec)} LIMIT 64`);
    } catch (error) {
      fail(badData(`${ref}: the query fails (${firstLine(error)}); fix --query`, error));
    }
    if (sample.length === 0)
      fail(badData(`${ref}: the query returned no rows; check --query selects the records`));
    const names = Object.keys(sample[0]!);
    columns = names.map((name) => {
      const value = sample.map((row) => row[name]).find((v) => v !== null && v !== undefined);
      const kind = valueKind(value);
      return { name, type: kind === 'other' ? 'NULL' : kind.toUpperCase(), kind };
    });
  }
  const relation = relationOf(spec);
  return Promise.resolve({
    ref,
    name: spec.table ?? basename(path).replace(/\.[^.]+$/, ''),
    description: { reader: 'sqlite', path, ...spec },
    baseDir: dirname(path),
    columns,
    ...(primaryKey === undefined ? {} : { primaryKey }),
    sortsByKey: spec.table !== undefined,
    async *scan(wanted: readonly string[], orderBy?: string) {
      const order = orderBy === undefined ? '' : ` ORDER BY ${quoteIdent(orderBy)}`;
      const statement = db.prepare(`SELECT ${selectList(wanted)} FROM ${relation}${order}`);
      try {
        let batch: Row[] = [];
        for (const row of statement.iterate()) {
          batch.push(row);
          if (batch.length === SCAN_BATCH) {
            // node-sqlite3-wasm steps synchronously: let timers and signals (Ctrl-C) run between batches
            await setImmediate();
            yield batch;
            batch = [];
          }
        }
        if (batch.length) yield batch;
      } finally {
        statement.finalize();
      }
    },
    fetch(wanted, selection) {
      const rows = fetchQueries(relation, wanted, selection).flatMap((sql) => db.all(sql) as Row[]);
      return Promise.resolve(orderFetched(rows, selection));
    },
    close() {
      db.close();
      return Promise.resolve();
    },
  });
}
