import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { badData, configError } from '../../core/errors.js';
import { DelimitedParser, LineSplitter, type ParsedRow } from '../delimited-parser.js';
import type { TableFormat } from '../table-dataset.js';
import type { ColumnKind, Row, TableColumn, TableSource } from './table-source.js';

const IMAGE_NAMES = ['image', 'image_path', 'path', 'file', 'filename', 'img'];
const TEXT_NAMES = ['text', 'sentence', 'review', 'content'];

const parserFor = (format: TableFormat, onRow: (row: ParsedRow) => void) =>
  format === 'jsonl' ? new LineSplitter(onRow) : new DelimitedParser(format === 'csv' ? 0x2c : 0x09, onRow);

/** The first row of a table file: its header names (CSV/TSV) or its first object (JSONL). */
async function firstRow(path: string, format: TableFormat): Promise<Row | undefined> {
  const handle = await open(path);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(1 << 16), 0, 1 << 16, 0);
    let first: ParsedRow | undefined;
    const parser = parserFor(format, (row) => (first ??= row));
    parser.push(buffer.subarray(0, bytesRead));
    if (!first) parser.end();
    if (!first) return undefined;
    if (format !== 'jsonl') return Object.fromEntries(first.fields.map((f) => [f.trim(), '']));
    const value = JSON.parse(first.fields[0]!) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Row) : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * Whether a CSV/TSV/JSONL table names images rather than holding texts: `--image-column` says so,
 * or (without `--text-column`) the header has an image-path column and no text column.
 */
export async function isImagePathTable(
  path: string,
  format: TableFormat,
  options: { imageColumn?: string; textColumn?: string },
): Promise<boolean> {
  if (options.imageColumn !== undefined) return true;
  if (options.textColumn !== undefined) return false;
  const names = Object.keys((await firstRow(path, format)) ?? {}).map((n) => n.toLowerCase());
  return names.some((n) => IMAGE_NAMES.includes(n)) && !names.some((n) => TEXT_NAMES.includes(n));
}

const kindOf = (value: unknown): ColumnKind =>
  typeof value === 'string' ? 'text' : typeof value === 'number' ? 'number' : 'other';

/**
 * A CSV/TSV/JSONL file as rows, for tables of image paths ("labels.csv + images/"): paths are
 * relative to the file's folder. Its rows are only ever scanned: image records are read from the
 * files their paths name, so nothing is fetched back from the table.
 */
export async function openDelimitedSource(ref: string, format: TableFormat): Promise<TableSource> {
  const path = resolve(ref);
  const first = await firstRow(path, format);
  if (!first) throw badData(`${ref} has no header or first row; write a header row of column names`);
  const columns: TableColumn[] = Object.entries(first).map(([name, value]) => {
    const kind = format === 'jsonl' ? kindOf(value) : 'text';
    return { name, type: format === 'jsonl' ? typeof value : 'text', kind };
  });
  const header = format === 'jsonl' ? undefined : Object.keys(first);
  return {
    ref,
    name: basename(path).replace(/\.[^.]+$/, ''),
    description: { reader: format, path },
    baseDir: dirname(path),
    columns,
    sortsByKey: false,
    async *scan() {
      let rows: Row[] = [];
      let line = 0;
      const parser = parserFor(format, (parsed) => {
        line++;
        if (header) {
          if (line === 1) return;
          rows.push(Object.fromEntries(header.map((name, i) => [name, parsed.fields[i]])));
          return;
        }
        try {
          rows.push(JSON.parse(parsed.fields[0]!) as Row);
        } catch (error) {
          throw badData(`${ref} line ${line}: invalid JSON (${(error as Error).message}); fix the line`);
        }
      });
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
        parser.push(chunk);
        if (rows.length) yield rows;
        rows = [];
      }
      parser.end();
      if (rows.length) yield rows;
    },
    fetch() {
      return Promise.reject(
        configError(`${ref}: rows of a ${format} table are not fetched back; its images are files`),
      );
    },
    close: () => Promise.resolve(),
  };
}
