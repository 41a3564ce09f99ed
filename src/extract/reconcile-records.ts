import type { DataSource } from '../data/data-source.js';
import { idLookup, type RecordHashes } from '../data/record-ids.js';
import type { RecordTable } from '../store/feature-store.js';
import { isRetiredId, RETIRED_ID_PREFIX } from '../store/feature-store/record-table.js';

/**
 * How the store's records relate to the dataset now:
 * - `new`: no records stored yet;
 * - `same`: the same records (labels or split may have been re-read);
 * - `append`: every stored record is still there unchanged and `added` more came (new files in the
 *   folder, rows appended): only those are extracted, as new rows after the stored ones;
 * - `reset`: a stored record changed or disappeared, so stored features no longer describe the data.
 */
export type RecordPlan =
  | { kind: 'new' | 'same'; table: RecordTable; added: 0; retired?: RetiredRow[] }
  | { kind: 'append'; table: RecordTable; added: number; retired?: RetiredRow[] }
  | { kind: 'reset'; table: RecordTable; added: 0; reason: string };

/**
 * A stored row whose record was deleted from the source or changed there (datasets whose ids are
 * keys, `DataSource.keyedIds`): it stays in the store under a retired id and is marked skipped, so
 * only the changed record is extracted again (appended under its id) instead of every record.
 */
export interface RetiredRow {
  row: number;
  id: string;
  reason: string;
}

/** The id a retired row keeps: never a dataset id, and recognisable on the next run. */
const retiredId = (id: string, row: number) => `${RETIRED_ID_PREFIX}${row}:${id}`;
const isRetired = isRetiredId;

/** The dataset in canonical order as a fresh record table. */
function freshTable(dataset: DataSource): RecordTable {
  return {
    labels: Int32Array.from(dataset.labels),
    split: Uint8Array.from(dataset.split),
    ids: [...dataset.ids],
    ...(dataset.recordHashes ? { hashes: [...dataset.recordHashes] } : {}),
  };
}

const sameArray = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

/** Whether two tables say the same thing (so nothing needs writing). */
export function sameTable(a: RecordTable, b: RecordTable): boolean {
  return (
    sameArray(a.labels, b.labels) &&
    sameArray(a.split, b.split) &&
    a.ids.length === b.ids.length &&
    a.ids.every((id, i) => id === b.ids[i]) &&
    (a.order === undefined) === (b.order === undefined) &&
    (a.order === undefined || sameArray(a.order, b.order!))
  );
}

/**
 * Compares the stored record table with the dataset by (record id, content hash). Labels and split
 * always come from the dataset as it is now (they are metadata: features never depend on them).
 * Without per-record hashes (built-in generators) only an identical digest counts as the same.
 */
export function reconcileRecords(
  stored: { table: RecordTable; digest: string } | undefined,
  dataset: DataSource,
): RecordPlan {
  if (!stored) return { kind: 'new', table: freshTable(dataset), added: 0 };
  const { table } = stored;
  const sameRecords = stored.digest === dataset.digest && table.ids.length === dataset.size;
  // The common case, a re-run on unchanged data: same records in the same order, no lookups needed.
  if (sameRecords && !table.order && table.ids.every((id, i) => id === dataset.ids.at(i)))
    return { kind: 'same', table: freshTable(dataset), added: 0 };
  const canonicalIndex = idLookup(dataset.ids);
  const hashes = dataset.recordHashes;
  if (!sameRecords && dataset.keyedIds && hashes && table.hashes)
    return retireAndAppend(table, dataset, canonicalIndex, hashes, table.hashes);
  if (!sameRecords) {
    if (!hashes || !table.hashes)
      return { kind: 'reset', table: freshTable(dataset), added: 0, reason: 'the dataset changed' };
    for (let row = 0; row < table.ids.length; row++) {
      const index = canonicalIndex(table.ids[row]!);
      if (index === undefined || hashes.at(index) !== table.hashes[row])
        return {
          kind: 'reset',
          table: freshTable(dataset),
          added: 0,
          reason: `record ${table.ids[row]} ${index === undefined ? 'is gone' : 'changed'}`,
        };
    }
  }
  // Stored rows keep their place; new records follow in canonical order.
  const storedIds = new Set(table.ids);
  const ids = [...table.ids];
  for (const id of dataset.ids) if (!storedIds.has(id)) ids.push(id);
  const indexOf = ids.map((id) => canonicalIndex(id)!);
  const storageRow = new Int32Array(dataset.size);
  indexOf.forEach((index, row) => (storageRow[index] = row));
  const identity = storageRow.every((row, i) => row === i);
  const next: RecordTable = {
    labels: Int32Array.from(indexOf, (i) => dataset.labels[i]!),
    split: Uint8Array.from(indexOf, (i) => dataset.split[i]!),
    ids,
    ...(hashes ? { hashes: indexOf.map((i) => hashes.at(i)!) } : {}),
    ...(identity ? {} : { order: storageRow }),
  };
  const added = ids.length - table.ids.length;
  return added > 0 ? { kind: 'append', table: next, added } : { kind: 'same', table: next, added: 0 };
}

/**
 * Reconciles a keyed dataset row by row: a stored record that is gone or whose content hash changed
 * is retired (kept, marked skipped), new and changed records are appended after the stored rows.
 */
function retireAndAppend(
  table: RecordTable,
  dataset: DataSource,
  canonicalIndex: (id: string) => number | undefined,
  hashes: RecordHashes,
  storedHashes: readonly string[],
): RecordPlan {
  const retired: RetiredRow[] = [];
  const ids = table.ids.map((id, row) => {
    if (isRetired(id)) return id;
    const index = canonicalIndex(id);
    if (index !== undefined && hashes.at(index) === storedHashes[row]) return id;
    retired.push({
      row,
      id,
      reason: index === undefined ? 'deleted from the source' : 'changed in the source (extracted again)',
    });
    return retiredId(id, row);
  });
  const kept = new Set(ids);
  const storedRows = ids.length;
  for (const id of dataset.ids) if (!kept.has(id)) ids.push(id);
  const storageRow = new Int32Array(dataset.size);
  ids.forEach((id, row) => {
    const index = canonicalIndex(id);
    if (index !== undefined) storageRow[index] = row;
  });
  const labelOf = (id: string, row: number) => {
    const index = canonicalIndex(id);
    return index === undefined ? table.labels[row]! : dataset.labels[index]!;
  };
  const next: RecordTable = {
    labels: Int32Array.from(ids, labelOf),
    split: Uint8Array.from(ids, (id, row) => {
      const index = canonicalIndex(id);
      return index === undefined ? table.split[row]! : dataset.split[index]!;
    }),
    ids,
    hashes: ids.map((id, row) => {
      const index = canonicalIndex(id);
      return index === undefined ? storedHashes[row]! : hashes.at(index)!;
    }),
    order: storageRow,
  };
  const added = ids.length - storedRows;
  return added > 0
    ? { kind: 'append', table: next, added, retired }
    : { kind: 'same', table: next, added: 0, retired };
}

/** Canonical dataset index of every storage row (the inverse of `order`). */
export function canonicalOfRows(table: RecordTable): Int32Array {
  const out = Int32Array.from(table.ids.keys());
  if (table.order) table.order.forEach((row, canonical) => (out[row] = canonical));
  return out;
}
