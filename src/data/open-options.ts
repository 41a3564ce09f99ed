import type { SplitFractions } from './split.js';

/** Reader options a data ref is opened with (docs/contract.md, "Data refs" and `--split`). */
export interface OpenDatasetOptions {
  /** tables: the column (CSV/TSV header name, JSONL key) holding the text @default text|sentence */
  textColumn?: string;
  /** tables: the column holding the label @default label|class|target */
  labelColumn?: string;
  /** tables: a column assigning each row to train/val/test; overrides the fractions */
  splitColumn?: string;
  /** tables: the record id column @default the primary key where the source has one, else the row number */
  idColumn?: string;
  /** tables: image bytes (BLOB/bytea) or an image path relative to the table's folder @default image|path|file */
  imageColumn?: string;
  /** tables: a column grouping records (carried on each record as `groups`) */
  groupColumn?: string;
  /** image folders: `folder` reads GROUP/CLASS/FILE, the top folder being each record's group */
  groupBy?: 'folder';
  /** databases (`postgresql://…`, `.sqlite`, `.duckdb`): the table to read */
  table?: string;
  /** databases: a SELECT whose rows are the records (instead of `table`) */
  query?: string;
  /** @default { train: 0.7, val: 0.15 } (test gets the rest) */
  split?: SplitFractions;
  /** seeds the split (and the built-in generators' split) @default 0 */
  seed?: number;
  /** fail on the first unreadable record instead of skipping and listing it */
  strict?: boolean;
  /** where per-file content hashes are cached by stat (the home's `cache/`); none when unset */
  cacheDir?: string;
  /** built-in generators: how many records @default demoRecordCount */
  count?: number;
}
