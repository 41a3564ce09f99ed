import pg from 'pg';
import Cursor from 'pg-cursor';
import { badData, configError, LayerlabError, notFound, usageError } from '../../core/errors.js';
import { parsePostgresRef, type PostgresTarget } from './postgres-ref.js';
import { contiguousRuns, orderFetched, quoteIdent, relationOf, selectList } from './sql-text.js';
import { requireTableOrQuery, type TableOrQuery } from './table-or-query.js';
import type { ColumnKind, Row, RowSelection, TableColumn, TableSource } from './table-source.js';

/** Rows per round trip of the server-side cursor: memory holds one such batch at a time. */
const CURSOR_ROWS = 256;

/** Built-in type OIDs (pg_type.dat) of the kinds the column flags care about. */
const TYPES: Record<number, { name: string; kind: ColumnKind }> = {
  17: { name: 'bytea', kind: 'bytes' },
  25: { name: 'text', kind: 'text' },
  1043: { name: 'varchar', kind: 'text' },
  1042: { name: 'char', kind: 'text' },
  19: { name: 'name', kind: 'text' },
  2950: { name: 'uuid', kind: 'text' },
  21: { name: 'smallint', kind: 'number' },
  23: { name: 'integer', kind: 'number' },
  20: { name: 'bigint', kind: 'number' },
  700: { name: 'real', kind: 'number' },
  701: { name: 'double precision', kind: 'number' },
  1700: { name: 'numeric', kind: 'number' },
  16: { name: 'boolean', kind: 'other' },
};

const firstLine = (error: unknown) => String((error as Error).message).split('\n')[0];

/** A driver error as one line naming the fix; the password never appears (pg's own text is not used for connection errors). */
function connectError(error: unknown, target: PostgresTarget): LayerlabError {
  const code = (error as { code?: string }).code;
  if (code === '28P01' || code === '28000')
    return configError(
      `PostgreSQL at ${target.address} refused user ${target.user} (authentication failed); fix the user or password (PGPASSWORD or ~/.pgpass keep it out of the ref)`,
    );
  if (code === '3D000')
    return notFound(
      `PostgreSQL at ${target.address} has no database ${target.database}; fix the database name in the ref`,
    );
  return new LayerlabError(
    'IO',
    `cannot reach PostgreSQL at ${target.address} (${code ?? 'no answer'}); start the server or fix host and port in the ref`,
  );
}

/**
 * A table or query of a PostgreSQL database through `pg` (pure JavaScript). Rows stream through a
 * server-side cursor (`pg-cursor`), a few hundred at a time, so memory stays flat for tables of any
 * size; tables are read in primary-key (or `--id-column`) order.
 */
export async function openPostgresSource(ref: string, spec: TableOrQuery): Promise<TableSource> {
  let target: PostgresTarget;
  try {
    target = parsePostgresRef(ref);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  requireTableOrQuery(target.redacted, spec);
  const client = new pg.Client({ connectionString: ref, connectionTimeoutMillis: 15_000 });
  // a server that goes away later surfaces on the next query; without a listener it would crash the process
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw connectError(error, target);
  }
  const fail = async (error: Error): Promise<never> => {
    await client.end().catch(() => {});
    throw error;
  };
  let primaryKey: string | undefined;
  if (spec.table !== undefined) {
    const found = await client.query<{ oid: string | null }>('SELECT to_regclass($1)::oid AS oid', [
      quoteIdent(spec.table),
    ]);
    const oid = found.rows[0]?.oid;
    if (!oid) {
      const tables = await client.query<{ name: string }>(
        `SELECT CASE WHEN table_schema = 'public' THEN table_name ELSE table_schema || '.' || table_name END AS name
           FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
      );
      await fail(
        notFound(
          `table ${spec.table} is not in ${target.redacted} (tables: ${tables.rows.map((r) => r.name).join(', ') || 'none'}); fix --table`,
        ),
      );
    }
    const keys = await client.query<{ attname: string }>(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = $1::oid AND i.indisprimary`,
      [oid],
    );
    if (keys.rows.length === 1) primaryKey = keys.rows[0]!.attname;
  }
  const relation = relationOf(spec);
  let columns: TableColumn[] = [];
  try {
    const described = await client.query(`SELECT * FROM ${relation} LIMIT 0`);
    columns = described.fields.map((field) => {
      const type = TYPES[field.dataTypeID] ?? { name: `type ${field.dataTypeID}`, kind: 'other' as const };
      return { name: field.name, type: type.name, kind: type.kind };
    });
  } catch (error) {
    await fail(badData(`${target.redacted}: the query fails (${firstLine(error)}); fix --query`, error));
  }
  return {
    ref: target.redacted,
    name: spec.table ?? target.database,
    description: { reader: 'postgres', location: target.redacted, ...spec },
    baseDir: process.cwd(),
    columns,
    ...(primaryKey === undefined ? {} : { primaryKey }),
    sortsByKey: spec.table !== undefined,
    async *scan(wanted: readonly string[], orderBy?: string) {
      const order = orderBy === undefined ? '' : ` ORDER BY ${quoteIdent(orderBy)}`;
      const cursor = client.query(new Cursor<Row>(`SELECT ${selectList(wanted)} FROM ${relation}${order}`));
      try {
        for (;;) {
          const rows = await cursor.read(CURSOR_ROWS);
          if (rows.length === 0) break;
          yield rows;
        }
      } finally {
        await cursor.close();
      }
    },
    async fetch(wanted: readonly string[], selection: RowSelection) {
      if ('column' in selection) {
        const result = await client.query<Row>(
          `SELECT ${selectList([selection.column, ...wanted])} FROM ${relation} WHERE ${quoteIdent(selection.column)} = ANY($1)`,
          [selection.values],
        );
        return orderFetched(result.rows, selection);
      }
      const rows: Row[] = [];
      for (const { start, count } of contiguousRuns(selection.rows))
        rows.push(
          ...(
            await client.query<Row>(`SELECT ${selectList(wanted)} FROM ${relation} LIMIT $1 OFFSET $2`, [
              count,
              start,
            ])
          ).rows,
        );
      return rows;
    },
    close: () => client.end(),
  };
}
