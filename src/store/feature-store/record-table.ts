import { LayerlabError } from '../../core/errors.js';
import { RECORDS_KEY, SKIP_RANGE } from './key-layout.js';
import { getJson } from './meta-json.js';
import type { StoreEnv } from './store-env.js';

/** Split code of a record that could not be decoded: no split reads it (docs/contract.md: codes are 0-2). */
export const SKIPPED_SPLIT = 255;

/** Per-record metadata in storage order (the order rows were written). */
export interface RecordTable {
  labels: Int32Array;
  /** 0 train, 1 val, 2 test; SKIPPED_SPLIT for records that failed to decode */
  split: Uint8Array;
  ids: string[];
  /** content hash per record: how a grown dataset recognises the records already stored */
  hashes?: string[];
  /** storage row of each record in the dataset's canonical order, when appends made them differ */
  order?: Int32Array;
}

export interface SkippedRow {
  row: number;
  id: string;
  reason: string;
}

/** The record table as stored: JSON arrays, optional fields absent rather than null. */
interface StoredTable {
  labels: number[];
  split: number[];
  ids: string[];
  hashes?: string[];
  order?: number[];
}

/** The record table as the JSON text stored under RECORDS_KEY. */
export function recordTableJson(records: RecordTable): string {
  const table: StoredTable = {
    labels: Array.from(records.labels),
    split: Array.from(records.split),
    ids: records.ids,
    ...(records.hashes ? { hashes: records.hashes } : {}),
    ...(records.order ? { order: Array.from(records.order) } : {}),
  };
  return JSON.stringify(table);
}

export const skippedJson = (row: SkippedRow) => JSON.stringify(row);

/**
 * The record table, with skipped records' split set to SKIPPED_SPLIT (unless `markSkipped` is
 * false: the table as the dataset gave it).
 */
export function readRecordTable(store: StoreEnv, options: { markSkipped?: boolean } = {}): RecordTable {
  const table = getJson<StoredTable>(store, RECORDS_KEY);
  if (!table)
    throw new LayerlabError(
      'BAD_DATA',
      `store ${store.dir} has no record table; it is incomplete, remove it with \`layerlab store gc\``,
    );
  const split = Uint8Array.from(table.split);
  if (options.markSkipped !== false)
    for (const { row } of readSkipped(store)) if (row < split.length) split[row] = SKIPPED_SPLIT;
  return {
    labels: Int32Array.from(table.labels),
    split,
    ids: table.ids,
    ...(table.hashes ? { hashes: table.hashes } : {}),
    ...(table.order ? { order: Int32Array.from(table.order) } : {}),
  };
}

/** Records that failed to decode, by storage row. */
export function readSkipped(store: StoreEnv): SkippedRow[] {
  const rows: SkippedRow[] = [];
  for (const { value } of store.meta.getRange(SKIP_RANGE)) rows.push(JSON.parse(value) as SkippedRow);
  return rows;
}

/**
 * Storage rows in the dataset's canonical order (docs/contract.md, "Feature export"), optionally without
 * the records that failed to decode: what exports and predictions list rows by. Appends make the
 * two orders differ (new files land in the middle of a folder's order, but after stored rows).
 */
export function canonicalRows(table: RecordTable, options: { withSkipped?: boolean } = {}): Int32Array {
  const rows = table.order ?? Int32Array.from(table.ids.keys());
  return options.withSkipped === false ? rows.filter((row) => table.split[row] !== SKIPPED_SPLIT) : rows;
}
