import type { RowSelection } from './table-source.js';

/** A SQL identifier, double-quoted (`schema.table` quoted part by part). */
export function quoteIdent(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}

/** A value as a SQL literal: numbers and bigints as they are, anything else as a quoted string. */
export function sqlLiteral(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** The FROM clause of `--table NAME` or `--query SQL`. */
export function relationOf(spec: { table?: string; query?: string }): string {
  if (spec.query !== undefined) return `(${spec.query.trim().replace(/;\s*$/, '')}) AS layerlab_query`;
  return quoteIdent(spec.table!);
}

export function selectList(columns: readonly string[]): string {
  return columns.map(quoteIdent).join(', ');
}

/** Runs of consecutive row numbers, so a batch of rows costs one LIMIT/OFFSET query per run. */
export function contiguousRuns(rows: readonly number[]): { start: number; count: number }[] {
  const runs: { start: number; count: number }[] = [];
  for (const row of rows) {
    const last = runs.at(-1);
    if (last && row === last.start + last.count) last.count++;
    else runs.push({ start: row, count: 1 });
  }
  return runs;
}

/**
 * The queries that fetch a selection: one `WHERE key IN (…)` query, or one LIMIT/OFFSET query per
 * run of row numbers (row numbers only mean something in the source's own order).
 */
export function fetchQueries(
  relation: string,
  columns: readonly string[],
  selection: RowSelection,
): string[] {
  if ('column' in selection) {
    if (selection.values.length === 0) return [];
    return [
      `SELECT ${selectList([selection.column, ...columns])} FROM ${relation} WHERE ${quoteIdent(selection.column)} IN (${selection.values.map(sqlLiteral).join(', ')})`,
    ];
  }
  return contiguousRuns(selection.rows).map(
    ({ start, count }) => `SELECT ${selectList(columns)} FROM ${relation} LIMIT ${count} OFFSET ${start}`,
  );
}

/** Puts fetched rows in the order asked for (key lookups come back in the database's order). */
export function orderFetched(
  rows: readonly Record<string, unknown>[],
  selection: RowSelection,
): Record<string, unknown>[] {
  if (!('column' in selection)) return [...rows];
  const byKey = new Map(rows.map((row) => [String(row[selection.column]), row]));
  return selection.values.flatMap((value) => {
    const row = byKey.get(String(value));
    return row ? [row] : [];
  });
}

/** A catalog cell (a name, a type) as text. */
export function textOf(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint'
      ? String(value)
      : value === null || value === undefined
        ? ''
        : JSON.stringify(value);
}
