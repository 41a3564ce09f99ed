import { createReadStream } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { badData, configError } from '../core/errors.js';
import { digestOf } from '../core/hash.js';
import type { DataSource, SkippedRecord } from './data-source.js';
import { base64Of, CompactIds, fromBase64, type SavedIds } from './compact-ids.js';
import { DatasetDigest } from './dataset-digest.js';
import { DelimitedParser, isInvalidUtf8, LineSplitter, type ParsedRow } from './delimited-parser.js';
import { DigestCache, stampOf } from './digest-cache.js';
import { LabelMapBuilder } from './label-map.js';
import type { OpenDatasetOptions } from './open-options.js';
import { PackedHashes } from './packed-hashes.js';
import { recordHashBytes } from './record-hash.js';
import { RangeReader } from './sequential-file.js';
import { defaultSplitFractions, hashSplit, parseSplitValue } from './split.js';

export type TableFormat = 'csv' | 'tsv' | 'jsonl';

export function tableFormatOf(path: string): TableFormat | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.csv'
    ? 'csv'
    : ext === '.tsv'
      ? 'tsv'
      : ext === '.jsonl' || ext === '.ndjson'
        ? 'jsonl'
        : undefined;
}

const TEXT_DEFAULTS = ['text', 'sentence', 'review', 'content'];
const LABEL_DEFAULTS = ['label', 'class', 'target', 'category'];

/**
 * What one scan of the file yields, per record in compact storage (no JS string per record but the
 * group's): ids, the row's byte range, content hash, class id and split code.
 */
interface TableScan {
  ids: CompactIds;
  starts: Float64Array;
  ends: Float64Array;
  hashes: PackedHashes;
  /** the dataset digest, fed while scanning (labels as written are not kept) */
  digest: string;
  classNames: string[];
  labels: Int32Array;
  /** each record's `--split-column` code; absent without a split column */
  splits?: Uint8Array;
  /** each record's `--group-column` value ('' for none); absent without a group column */
  rawGroups?: string[];
  skipped: SkippedRecord[];
  /** CSV/TSV column names, to read re-parsed rows by position */
  header?: string[];
}

/** A scan as the digest cache keeps it: typed arrays as base64. */
interface SavedScan extends Omit<TableScan, 'ids' | 'starts' | 'ends' | 'hashes' | 'labels' | 'splits'> {
  ids: SavedIds;
  starts: string;
  ends: string;
  hashes: string;
  labels: string;
  splits?: string;
}

const saveScan = ({ splits, ...scan }: TableScan): SavedScan => ({
  ...scan,
  ids: scan.ids.save(),
  starts: base64Of(scan.starts),
  ends: base64Of(scan.ends),
  hashes: scan.hashes.save(),
  labels: base64Of(scan.labels),
  ...(splits ? { splits: base64Of(splits) } : {}),
});

const loadScan = ({ splits, ...saved }: SavedScan): TableScan => ({
  ...saved,
  ids: CompactIds.load(saved.ids),
  starts: fromBase64(saved.starts, Float64Array),
  ends: fromBase64(saved.ends, Float64Array),
  hashes: PackedHashes.load(saved.hashes),
  labels: fromBase64(saved.labels, Int32Array),
  ...(splits === undefined ? {} : { splits: fromBase64(splits, Uint8Array) }),
});

/** A growing list of numbers in a Float64Array (capacity doubles). */
class NumberList {
  values = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
  done = (): Float64Array => this.values.slice(0, this.length);
}

interface Columns {
  text: string;
  label: string;
  split?: string;
  /** `--id-column`: record ids are its values (keys) instead of row numbers */
  id?: string;
  group?: string;
}

function pickColumn(
  available: string[],
  wanted: string | undefined,
  defaults: string[],
  flag: string,
): string {
  if (wanted !== undefined) {
    if (!available.includes(wanted))
      throw configError(
        `column ${wanted} is not in the data (columns: ${available.join(', ')}); fix ${flag}`,
      );
    return wanted;
  }
  const found = defaults.find((d) => available.includes(d));
  if (!found) throw configError(`no ${defaults[0]} column among ${available.join(', ')}; pass ${flag} NAME`);
  return found;
}

/** One row's cells by column name: CSV/TSV rows by header position, JSONL lines parsed as objects. */
type RowReader = (row: ParsedRow) => Record<string, unknown> | string;

function rowReader(format: TableFormat, header: string[] | undefined): RowReader {
  if (format === 'jsonl') {
    return (row) => {
      try {
        const value = JSON.parse(row.fields[0]!) as unknown;
        return value && typeof value === 'object' && !Array.isArray(value)
          ? (value as Record<string, unknown>)
          : 'not a JSON object';
      } catch (error) {
        return `invalid JSON (${(error as Error).message})`;
      }
    };
  }
  const delimiter = format === 'csv' ? 'comma' : 'tab';
  // more fields than the header: a value with an unquoted delimiter, which would shift every column
  return (row) =>
    row.fields.length > header!.length
      ? `${row.fields.length} fields where the header has ${header!.length} (quote values that contain a ${delimiter})`
      : Object.fromEntries(header!.map((name, i) => [name, row.fields[i]]));
}

const cell = (value: unknown) =>
  value === undefined || value === null
    ? undefined
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

async function scanTable(
  path: string,
  format: TableFormat,
  columns: Partial<Columns>,
  strict: boolean,
): Promise<{ scan: TableScan; columns: Columns }> {
  const ids = new CompactIds();
  const starts = new NumberList();
  const ends = new NumberList();
  const hashes = new PackedHashes();
  const labelMap = new LabelMapBuilder();
  let splits: Uint8Array | undefined;
  let rawGroups: string[] | undefined;
  const groupNames = new Map<string, string>();
  const skipped: SkippedRecord[] = [];
  /** ids of skipped rows: taken all the same (a second row with one is a duplicate) */
  const skippedIds = new Set<string>();
  let digest: DatasetDigest | undefined;
  let header: string[] | undefined;
  let read: RowReader | undefined;
  let chosen: Columns | undefined;
  let row = 0;
  const onRow = (parsed: ParsedRow) => {
    if (format !== 'jsonl' && !header) {
      header = parsed.fields.map((f) => f.trim());
      return;
    }
    read ??= rowReader(format, header);
    const number = String(row++);
    let id = number;
    let keyTaken = false;
    const cells = read(parsed);
    const skip = (reason: string) => {
      if (strict)
        throw badData(`${path} row ${id}: ${reason}; fix the row, or run without --strict to skip it`);
      skipped.push({ id, reason });
      if (keyTaken) skippedIds.add(id);
    };
    if (typeof cells === 'string') return skip(cells);
    chosen ??= {
      text: pickColumn(Object.keys(cells), columns.text, TEXT_DEFAULTS, '--text-column'),
      label: pickColumn(Object.keys(cells), columns.label, LABEL_DEFAULTS, '--label-column'),
      ...(columns.split
        ? { split: pickColumn(Object.keys(cells), columns.split, [], '--split-column') }
        : {}),
      ...(columns.id ? { id: pickColumn(Object.keys(cells), columns.id, [], '--id-column') } : {}),
      ...(columns.group
        ? { group: pickColumn(Object.keys(cells), columns.group, [], '--group-column') }
        : {}),
    };
    if (chosen.id) {
      const key = cell(cells[chosen.id])?.trim();
      if (!key) return skip(`no ${chosen.id} value`);
      if (ids.indexOf(key) >= 0 || skippedIds.has(key))
        throw badData(
          `${path}: id ${key} appears twice in column ${chosen.id}; pass --id-column with unique values`,
        );
      id = key;
      keyTaken = true;
    }
    const text = cell(cells[chosen.text]);
    const label = cell(cells[chosen.label])?.trim();
    checkLabelKind(cells[chosen.label], id);
    if (text === undefined) return skip(`no ${chosen.text} value`);
    if (!label) return skip(`no ${chosen.label} value`);
    if (chosen.split) {
      const value = cell(cells[chosen.split]) ?? '';
      const code = parseSplitValue(value);
      if (code === undefined)
        throw badData(`row ${id}: split ${JSON.stringify(value)} is not train, val or test`);
      splits ??= new Uint8Array(1024);
      if (ids.length === splits.length) {
        const grown = new Uint8Array(splits.length * 2);
        grown.set(splits);
        splits = grown;
      }
      splits[ids.length] = code;
    }
    if (!ids.push(id)) throw new Error(`id ${id} was checked to be new`);
    starts.push(parsed.start);
    ends.push(parsed.end);
    const hash = recordHashBytes(text);
    hashes.push(hash);
    labelMap.push(label);
    (digest ??= new DatasetDigest({ reader: format, columns: chosen })).add(
      id,
      hash.toString('hex', 0, 8),
      label,
    );
    if (chosen.group) {
      // one string per distinct group, not one per record
      const group = cell(cells[chosen.group])?.trim() ?? '';
      (rawGroups ??= []).push(groupNames.get(group) ?? (groupNames.set(group, group), group));
    }
  };
  // JSON labels 1 and "1" would silently become one class: a file must write its labels one way.
  let firstLabel: { kind: string; row: string; value: unknown } | undefined;
  const checkLabelKind = (value: unknown, row: string) => {
    const kind = typeof value;
    if (value === undefined || value === null || (kind !== 'number' && kind !== 'string')) return;
    firstLabel ??= { kind, row, value };
    if (kind !== firstLabel.kind)
      throw badData(
        `${path}: labels mix numbers and strings (row ${firstLabel.row}: ${JSON.stringify(firstLabel.value)}, row ${row}: ${JSON.stringify(value)}); write every label the same way`,
      );
  };
  const parser =
    format === 'jsonl' ? new LineSplitter(onRow) : new DelimitedParser(format === 'csv' ? 0x2c : 0x09, onRow);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>)
      parser.push(chunk);
    parser.end();
  } catch (error) {
    if (isInvalidUtf8(error))
      throw badData(
        `${path}: row ${row} is not valid UTF-8; save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)`,
      );
    throw error;
  }
  if (!chosen) throw badData(`${path} has no data rows; add rows of text and label after the header`);
  const { classNames, labels } = labelMap.finish();
  const scan: TableScan = {
    ids,
    starts: starts.done(),
    ends: ends.done(),
    hashes,
    digest: (digest ?? new DatasetDigest({ reader: format, columns: chosen })).digest(),
    classNames,
    labels,
    ...(splits ? { splits: splits.slice(0, ids.length) } : chosen.split ? { splits: new Uint8Array(0) } : {}),
    ...(rawGroups ? { rawGroups } : {}),
    skipped,
    ...(header ? { header } : {}),
  };
  return { scan, columns: chosen };
}

/**
 * A CSV, TSV or JSON Lines file of texts and labels as a dataset. Only byte ranges stay in memory;
 * texts are re-read per batch. Records are in file order with their 0-based row number as id (or
 * their `--id-column` value, then a key: a changed row is extracted again alone); rows without a text
 * or label are skipped and listed (or fail the run under `--strict`). `--group-column` gives each
 * record a group.
 */
export async function openTableDataset(ref: string, options: OpenDatasetOptions = {}): Promise<DataSource> {
  const path = resolve(ref);
  const format = tableFormatOf(path);
  if (!format) throw configError(`${ref}: tables are .csv, .tsv or .jsonl files`);
  const wanted = {
    text: options.textColumn,
    label: options.labelColumn,
    split: options.splitColumn,
    id: options.idColumn,
    group: options.groupColumn,
  };
  const cache = DigestCache.open<{ scan: SavedScan; columns: Columns }>(
    options.cacheDir,
    // v2: rows with more fields than the header are skipped; v3: compact scans (typed arrays as base64)
    `table:v3:${path}:${JSON.stringify(wanted)}:${options.strict === true}`,
  );
  const stamp = stampOf(path);
  const cached = cache.get(path, stamp);
  let scanned: { scan: TableScan; columns: Columns };
  if (cached) scanned = { scan: loadScan(cached.scan), columns: cached.columns };
  else {
    scanned = await scanTable(path, format, wanted, options.strict === true);
    if (options.cacheDir) cache.set(path, stamp, { scan: saveScan(scanned.scan), columns: scanned.columns });
  }
  cache.save();
  const { scan, columns } = scanned;
  const seed = options.seed ?? 0;
  const fractions = options.split ?? defaultSplitFractions;
  const split = scan.splits ?? hashSplit(scan.ids, seed, fractions);
  const { classNames, labels } = scan;
  const reader = new RangeReader(path);
  const decodeRows = async (indices: readonly number[]): Promise<string[]> => {
    const texts = new Array<string>(indices.length);
    let i = 0;
    while (i < indices.length) {
      let j = i + 1;
      while (j < indices.length && indices[j] === indices[j - 1]! + 1) j++;
      const first = scan.starts[indices[i]!]!;
      const bytes = await reader.read(first, scan.ends[indices[j - 1]!]! - first);
      const byStart = new Map<number, ParsedRow>();
      const parser =
        format === 'jsonl'
          ? new LineSplitter((row) => byStart.set(row.start, row))
          : new DelimitedParser(format === 'csv' ? 0x2c : 0x09, (row) => byStart.set(row.start, row));
      parser.push(bytes);
      parser.end();
      const read = rowReader(format, scan.header);
      for (let k = i; k < j; k++) {
        const row = byStart.get(scan.starts[indices[k]!]! - first);
        const cells = row && read(row);
        const text = cells && typeof cells !== 'string' ? cell(cells[columns.text]) : undefined;
        if (text === undefined) throw badData(`${ref} changed while reading; re-run`);
        texts[k] = text;
      }
      i = j;
    }
    return texts;
  };
  return {
    ref,
    name: basename(path).replace(/\.[^.]+$/, ''),
    modality: 'text',
    digest: scan.digest,
    // ids that are keys make other records than row numbers do: their own store
    lineage: digestOf({
      reader: format,
      path,
      text: columns.text,
      ...(columns.id ? { id: columns.id } : {}),
    }),
    size: scan.ids.length,
    classNames,
    labels,
    split,
    ids: scan.ids,
    recordHashes: scan.hashes,
    ...(columns.id ? { keyedIds: true } : {}),
    ...(columns.group
      ? { groups: scan.rawGroups ?? [], groupRule: { method: 'column' as const, column: columns.group } }
      : {}),
    splitRule: columns.split
      ? { method: 'column', column: columns.split }
      : { method: 'hash', seed, ...fractions },
    skipped: scan.skipped,
    readBatch: async (start, count) => ({
      kind: 'text',
      texts: await decodeRows(Array.from({ length: count }, (_, i) => start + i)),
    }),
    readRecords: async (indices) => ({ kind: 'text', texts: await decodeRows(indices) }),
    close: () => reader.close(),
  };
}
