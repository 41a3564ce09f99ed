/** What a column holds, as far as choosing and checking the `--*-column` flags needs to know. */
export type ColumnKind = 'text' | 'bytes' | 'number' | 'other';

export interface TableColumn {
  name: string;
  /** the type as the source names it (`bytea`, `BLOB`, `VARCHAR`, …), for messages */
  type: string;
  kind: ColumnKind;
}

export type Row = Record<string, unknown>;

/** Which rows `fetch` should return: by the id column's values, or by 0-based row number. */
export type RowSelection = { column: string; values: readonly unknown[] } | { rows: readonly number[] };

/**
 * A table-like source (a database table or query, Parquet files, a CSV of image paths) as rows of
 * named cells. `table-records.ts` turns it into a dataset; each source only knows how to list its
 * columns, stream its rows and fetch some of them again.
 */
export interface TableSource {
  /** the data ref with any password removed: safe for messages, manifests and run files */
  ref: string;
  /** names the store folder: the table's or the file's name */
  name: string;
  /** what the rows are (reader, location without password, table or query): the dataset's lineage */
  description: Record<string, unknown>;
  /** image paths in an image column are relative to this folder */
  baseDir: string;
  columns: TableColumn[];
  /** a one-column primary key, the default id column */
  primaryKey?: string;
  /**
   * Whether rows are read in the id column's order (database tables, whose physical order changes
   * with updates) rather than in the order the source yields them (files, queries).
   */
  sortsByKey: boolean;
  /** Every row, only these columns, a batch at a time (streamed: memory stays flat). */
  scan(columns: readonly string[], orderBy?: string): AsyncIterable<Row[]>;
  /** The selected rows, in the order asked for; a row that is gone is left out. */
  fetch(columns: readonly string[], selection: RowSelection): Promise<Row[]>;
  close(): Promise<void>;
}
