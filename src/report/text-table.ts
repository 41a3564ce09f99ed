/**
 * A plain-text table: columns padded to their widest cell, two spaces apart; `numeric` columns are
 * right-aligned so figures line up.
 */
export function alignedTable(
  header: readonly string[],
  cells: readonly string[][],
  numeric: ReadonlySet<number>,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (row: readonly string[]) =>
    row
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}

type CsvValue = string | number | boolean | null;

/** RFC 4180 CSV with a header row: `columns` of each row, in that order. */
export function csvTable<Row extends Record<K, CsvValue>, K extends keyof Row & string>(
  rows: readonly Row[],
  columns: readonly K[],
): string {
  const quote = (v: CsvValue) => {
    const text = v === null ? '' : String(v);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => quote(r[c])).join(','))].join('\n');
}
