import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import sqlite from 'node-sqlite3-wasm';
import sharp from 'sharp';
import { Rng } from '../../src/core/random.js';

/** One image of a generated set: its id, class, folder path and JPEG bytes. */
export interface JpegRecord {
  id: number;
  label: string;
  /** relative path, `class/NNN.jpg`: canonical image-folder order is this order */
  path: string;
  bytes: Buffer;
}

/** `count` random `size`×`size` JPEGs over `classes` classes, in image-folder canonical order. */
export async function makeJpegs(count: number, seed = 1, classes = 3, size = 8): Promise<JpegRecord[]> {
  const rng = new Rng(seed);
  const made: Omit<JpegRecord, 'id'>[] = [];
  for (let i = 0; i < count; i++) {
    const label = `c${i % classes}`;
    const pixels = Buffer.from(Uint8Array.from({ length: size * size * 3 }, () => rng.int(256)));
    const bytes = await sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    made.push({ label, path: `${label}/${String(i).padStart(4, '0')}.jpg`, bytes });
  }
  made.sort((a, b) => (a.path < b.path ? -1 : 1));
  return made.map((record, i) => ({ ...record, id: i + 1 }));
}

/** The images as a folder of class sub-folders. */
export function writeJpegFolder(root: string, records: readonly JpegRecord[]): void {
  for (const record of records) {
    const path = join(root, ...record.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, record.bytes);
  }
}

/** `labels.csv` beside `images/`: the common layout, paths relative to the CSV. */
export function writePathCsv(dir: string, records: readonly JpegRecord[]): string {
  writeJpegFolder(join(dir, 'images'), records);
  const csv = join(dir, 'labels.csv');
  writeFileSync(
    csv,
    `id,file,species\n${records.map((r) => `${r.id},images/${r.path},${r.label}`).join('\n')}\n`,
  );
  return csv;
}

/** Runs SQL statements in a DuckDB database (`:memory:` or a file). */
export async function duckdbRun(path: string, statements: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const sql of statements) await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A DuckDB table `photos(id INTEGER PRIMARY KEY, jpeg BLOB, species VARCHAR)` holding the images. */
async function fillDuckdb(path: string, records: readonly JpegRecord[], extra: string[] = []) {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run('CREATE TABLE photos (id INTEGER PRIMARY KEY, jpeg BLOB, species VARCHAR)');
    const appender = await connection.createAppender('photos');
    for (const r of records) {
      appender.appendInteger(r.id);
      appender.appendBlob(r.bytes);
      appender.appendVarchar(r.label);
      appender.endRow();
    }
    appender.closeSync();
    for (const sql of extra) await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function writeDuckdbFile(path: string, records: readonly JpegRecord[]): Promise<string> {
  await fillDuckdb(path, records);
  return path;
}

/** The images as a Parquet file written by DuckDB (zstd), rows in the given order. */
export async function writeParquetFile(path: string, records: readonly JpegRecord[]): Promise<string> {
  const quoted = path.replace(/'/g, "''");
  await fillDuckdb(':memory:', records, [
    `COPY (SELECT * FROM photos ORDER BY id) TO '${quoted}' (FORMAT parquet)`,
  ]);
  return path;
}

/** A SQLite file with `photos(id INTEGER PRIMARY KEY, jpeg BLOB, species TEXT)`. */
export function writeSqliteFile(path: string, records: readonly JpegRecord[]): string {
  const db = new sqlite.Database(path);
  try {
    db.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY, jpeg BLOB, species TEXT)');
    for (const r of records)
      db.run('INSERT INTO photos VALUES (?, ?, ?)', [r.id, new Uint8Array(r.bytes), r.label]);
  } finally {
    db.close();
  }
  return path;
}
