import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { badData } from '../../core/errors.js';
import { digestOf } from '../../core/hash.js';
import { mapLimit } from '../concurrency.js';
import type { DataSource, ReadOptions, SkippedRecord } from '../data-source.js';
import { DatasetDigest } from '../dataset-digest.js';
import { DigestCache, stampOf } from '../digest-cache.js';
import { decodeImageBatch } from '../image-batch.js';
import { CompactIds } from '../compact-ids.js';
import { LabelMapBuilder } from '../label-map.js';
import type { OpenDatasetOptions } from '../open-options.js';
import type { RecordBatch } from '../record-batch.js';
import { PackedHashes } from '../packed-hashes.js';
import { recordHash, recordHashBytes } from '../record-hash.js';
import { defaultSplitFractions, hashSplit, parseSplitValue } from '../split.js';
import { RecordKeys } from './record-keys.js';
import { SequentialRows } from './sequential-rows.js';
import { chooseColumns } from './table-columns.js';
import type { Row, RowSelection, TableSource } from './table-source.js';

/** Image files hashed at once while scanning a table of paths. */
const IO_CONCURRENCY = 16;

const cellText = (value: unknown): string | undefined =>
  value === undefined || value === null
    ? undefined
    : typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value);

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array;

/**
 * Any table-like source as a dataset (the shared "rows → records" layer): one streamed scan reads
 * ids, labels, splits, groups and each record's content hash (image bytes, the image file a path
 * names, or the text) into a streamed digest; contents are fetched again per batch, by id. Record
 * ids are the id column's values, so added rows extract only themselves, deleted rows drop out and
 * changed rows are re-extracted (their content hash differs). Rows without a label or content are
 * skipped and listed (`--strict`: the first one fails the run).
 */
export async function openTableRecords(
  source: TableSource,
  options: OpenDatasetOptions = {},
): Promise<DataSource> {
  try {
    return await recordsOf(source, options);
  } catch (error) {
    // an open connection would keep the process alive after the error is reported
    await source.close().catch(() => {});
    throw error;
  }
}

async function recordsOf(source: TableSource, options: OpenDatasetOptions): Promise<DataSource> {
  const columns = chooseColumns(source, options);
  const strict = options.strict === true;
  const wanted = [
    ...new Set(
      [columns.id, columns.content, columns.label, columns.split, columns.group].filter(
        (c): c is string => c !== undefined,
      ),
    ),
  ];
  // Per-record state is compact (typed arrays, codes, packed bytes), not JS strings and objects per
  // record: a table of millions of rows opens in memory that grows by ~13 bytes a record.
  const ids = new CompactIds();
  const keys = new RecordKeys(ids);
  const hashes = new PackedHashes();
  const labelMap = new LabelMapBuilder();
  let splits = new Uint8Array(0);
  const groups: string[] = [];
  const groupNames = new Map<string, string>();
  const paths: string[] = [];
  const skipped: SkippedRecord[] = [];
  const skippedIds = new Set<string>();
  const digest = new DatasetDigest({ reader: source.description, columns });
  const cache =
    columns.contentKind === 'path'
      ? DigestCache.open<string>(options.cacheDir, `table-images:${source.baseDir}`)
      : undefined;
  let rowNumber = 0;
  const skip = (id: string, reason: string) => {
    if (strict)
      throw badData(`${source.ref} row ${id}: ${reason}; fix the row, or run without --strict to skip it`);
    skipped.push({ id, reason });
  };
  const hashFile = async (path: string): Promise<Buffer | undefined> => {
    try {
      const stamp = stampOf(path);
      const cached = cache!.get(path, stamp);
      if (cached) return Buffer.from(cached, 'hex');
      const hash = recordHash(await readFile(path));
      cache!.set(path, stamp, hash);
      return Buffer.from(hash, 'hex');
    } catch {
      return undefined;
    }
  };
  const orderBy = source.sortsByKey ? columns.id : undefined;
  for await (const batch of source.scan(wanted, orderBy)) {
    const pathHashes =
      columns.contentKind === 'path'
        ? await mapLimit(batch, IO_CONCURRENCY, (row) => {
            const path = cellText(row[columns.content]);
            return path === undefined ? Promise.resolve(undefined) : hashFile(resolve(source.baseDir, path));
          })
        : undefined;
    batch.forEach((row: Row, position) => {
      const number = rowNumber++;
      const key = columns.id === undefined ? number : row[columns.id];
      const id = cellText(key);
      if (id === undefined) return skip(`#${number}`, `no ${columns.id} value`);
      if (ids.indexOf(id) >= 0 || skippedIds.has(id))
        throw badData(
          `${source.ref}: id ${id} appears twice in column ${columns.id}; pass --id-column with unique values`,
        );
      // a skipped row's id is taken all the same: a second row with it is a duplicate
      const skipRow = (reason: string) => {
        skippedIds.add(id);
        skip(id, reason);
      };
      const label = cellText(row[columns.label])?.trim();
      if (!label) return skipRow(`no ${columns.label} value (NULL)`);
      const value = row[columns.content];
      let hash: Buffer | undefined;
      let path = '';
      if (columns.contentKind === 'bytes') {
        if (value !== null && value !== undefined && !isBytes(value))
          throw badData(
            `${source.ref}: column ${columns.content} holds ${typeof value} values, not image bytes; pick a BLOB/bytea column with --image-column`,
          );
        hash = isBytes(value) ? recordHashBytes(value) : undefined;
      } else if (columns.contentKind === 'path') {
        const text = cellText(value);
        if (text === undefined) return skipRow(`no ${columns.content} value`);
        path = resolve(source.baseDir, text);
        hash = pathHashes![position];
        if (hash === undefined)
          return skipRow(`image file ${text} not found or unreadable (relative to ${source.baseDir})`);
      } else {
        const text = cellText(value);
        hash = text === undefined ? undefined : recordHashBytes(text);
      }
      if (hash === undefined) return skipRow(`no ${columns.content} value`);
      if (columns.split) {
        const value = cellText(row[columns.split]) ?? '';
        const code = parseSplitValue(value);
        if (code === undefined)
          throw badData(
            `${source.ref} row ${id}: split ${JSON.stringify(value)} is not train, val or test; fix column ${columns.split}`,
          );
        if (ids.length === splits.length) {
          const grown = new Uint8Array(Math.max(1024, splits.length * 2));
          grown.set(splits);
          splits = grown;
        }
        splits[ids.length] = code;
      }
      if (!ids.push(id)) throw new Error(`id ${id} was checked to be new`);
      keys.push(key);
      hashes.push(hash);
      labelMap.push(label);
      if (columns.group) {
        // one string per distinct group, not one per record
        const group = cellText(row[columns.group]) ?? '';
        groups.push(groupNames.get(group) ?? (groupNames.set(group, group), group));
      }
      if (columns.contentKind === 'path') paths.push(path);
      digest.add(id, hash.toString('hex', 0, 8), label);
    });
  }
  cache?.save();
  if (rowNumber === 0)
    throw badData(`${source.ref} returned no rows; check --table/--query (or the file) holds the records`);
  const seed = options.seed ?? 0;
  const fractions = options.split ?? defaultSplitFractions;
  const split = columns.split ? splits.slice(0, ids.length) : hashSplit(ids, seed, fractions);
  const { classNames, labels } = labelMap.finish();

  /** Rows of these records, fetched again from the source (BLOBs and texts are not kept in memory). */
  const fetchRows = async (indices: readonly number[]): Promise<Row[]> => {
    const selection: RowSelection =
      columns.id === undefined
        ? { rows: indices.map((i) => keys.at(i) as number) }
        : { column: columns.id, values: indices.map((i) => keys.at(i)) };
    const rows = await source.fetch([columns.content], selection);
    if (rows.length !== indices.length)
      throw badData(
        `${source.ref} changed while reading (${indices.length - rows.length} rows gone); re-run`,
      );
    return rows;
  };
  const sequential = new SequentialRows(
    source,
    [...new Set([columns.id, columns.content].filter((c): c is string => c !== undefined))],
    orderBy,
    (row, number) => (columns.id === undefined ? String(number) : cellText(row[columns.id])),
    ids,
    skipped.length,
  );
  const readRecords = async (indices: readonly number[], read: ReadOptions = {}): Promise<RecordBatch> => {
    for (const index of indices)
      if (index < 0 || index >= ids.length)
        throw new RangeError(`record ${index} is outside 0..${ids.length - 1}`);
    if (columns.contentKind === 'path')
      return decodeImageBatch(
        indices.map((i) => ({ id: ids.at(i)!, load: () => readFile(paths[i]!) })),
        read,
      );
    const rows = await sequential.read(indices, fetchRows);
    if (columns.contentKind === 'text')
      return { kind: 'text', texts: rows.map((row) => cellText(row[columns.content]) ?? '') };
    return decodeImageBatch(
      rows.map((row, position) => ({
        id: ids.at(indices[position]!)!,
        load: () => {
          const value = row[columns.content];
          return isBytes(value) ? Promise.resolve(value) : Promise.reject(new Error('no image bytes'));
        },
      })),
      read,
    );
  };

  return {
    ref: source.ref,
    name: source.name,
    modality: columns.contentKind === 'text' ? 'text' : 'image',
    digest: digest.digest(),
    lineage: digestOf({ reader: source.description, content: columns.content, id: columns.id ?? null }),
    size: ids.length,
    classNames,
    labels,
    split,
    ids,
    recordHashes: hashes,
    keyedIds: true,
    splitRule: columns.split
      ? { method: 'column', column: columns.split }
      : { method: 'hash', seed, ...fractions },
    skipped,
    ...(columns.group ? { groups, groupRule: { method: 'column' as const, column: columns.group } } : {}),
    readBatch: (start, count, read) =>
      readRecords(
        Array.from({ length: count }, (_, i) => start + i),
        read,
      ),
    readRecords,
    close: async () => {
      await sequential.close();
      await source.close();
    },
  };
}
