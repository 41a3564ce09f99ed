import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../data/write-datasets.js';
import {
  duckdbRun,
  makeJpegs,
  writeDuckdbFile,
  writeJpegFolder,
  writeParquetFile,
  writePathCsv,
  writeSqliteFile,
  type JpegRecord,
} from '../data/write-table-sources.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { parseNdjson, runCli } from './cli-run.js';

const LAYERS = 'block1/relu,block2/relu';

/** Issue 15: data where it lives. Every source through the real CLI, against the same JPEGs in a folder. */
describe('data sources: CSV of image paths, Parquet, SQLite and DuckDB files (real CLI)', () => {
  const dir = tempDir('layerlab-sources-');
  const home = join(dir, 'home');
  const model = join(dir, 'tiny.onnx');
  let records: JpegRecord[];

  const extract = async (data: string, ...flags: string[]) => {
    const run = await runCli([
      '--home',
      home,
      'extract',
      model,
      data,
      '--layers',
      LAYERS,
      '--json',
      ...flags,
    ]);
    expect(run.code, run.stderr).toBe(0);
    return parseNdjson(run.stdout).at(-1) as {
      store: string;
      cached: boolean;
      featureSets: { records: number }[];
    };
  };
  const exportNpy = async (store: string, name: string) => {
    const out = join(dir, 'export', name);
    const run = await runCli([
      '--home',
      home,
      'store',
      'export',
      store,
      '--layer',
      'block2/relu',
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    return out;
  };
  const fail = async (data: string, ...flags: string[]) => {
    const run = await runCli(['--home', home, 'extract', model, data, '--layers', LAYERS, ...flags]);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    return run;
  };

  let folderExport: string;
  beforeAll(async () => {
    writeFileSync(model, tinyCnn());
    records = await makeJpegs(40);
    writeJpegFolder(join(dir, 'folder'), records);
    folderExport = await exportNpy((await extract(join(dir, 'folder'))).store, 'folder');
  });

  const sameFeatures = (out: string) => {
    for (const file of ['features.npy', 'labels.npy'])
      expect(readFileSync(join(out, file)).equals(readFileSync(join(folderExport, file))), file).toBe(true);
  };

  it('a labels.csv naming images/ paths gives the folder features bit for bit', async () => {
    const csv = writePathCsv(join(dir, 'csv'), records);
    const result = await extract(
      csv,
      '--image-column',
      'file',
      '--label-column',
      'species',
      '--id-column',
      'id',
    );
    expect(result.featureSets[0]!.records).toBe(40);
    const out = await exportNpy(result.store, 'csv');
    sameFeatures(out);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { ids: string[] };
    expect(meta.ids.slice(0, 3)).toEqual(['1', '2', '3']);
  });

  it('a Parquet file of JPEG bytes gives the folder features bit for bit, and exports back to Parquet', async () => {
    const parquet = await writeParquetFile(join(dir, 'photos.parquet'), records);
    const result = await extract(parquet, '--id-column', 'id', '--label-column', 'species');
    const out = await exportNpy(result.store, 'parquet');
    sameFeatures(out);
    // Parquet out: read back with the library that wrote it, equal to the .npy export
    const pq = join(dir, 'export', 'pq');
    const run = await runCli([
      '--home',
      home,
      'store',
      'export',
      result.store,
      '--format',
      'parquet',
      '--out',
      pq,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { files: string[]; rows: number };
    expect(summary).toMatchObject({
      files: ['block1_relu.parquet', 'block2_relu.parquet', 'meta.json'],
      rows: 40,
    });
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const read = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS();
      const rows = await read(`SELECT id, label, split, features FROM '${join(pq, 'block2_relu.parquet')}'`);
      const npy = readFileSync(join(out, 'features.npy'));
      const header = npy.readUInt16LE(8) + 10;
      const expected = new Float32Array(
        npy.buffer.slice(npy.byteOffset + header, npy.byteOffset + npy.length),
      );
      const got = Float32Array.from(rows.flatMap((r) => r.features as number[]));
      expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
      expect(rows.map((r) => r.id)).toEqual(records.map((r) => String(r.id)));
      const all = join(dir, 'export', 'pq-all');
      expect(
        (
          await runCli([
            '--home',
            home,
            'store',
            'export',
            result.store,
            '--format',
            'parquet',
            '--all',
            '--out',
            all,
          ])
        ).code,
      ).toBe(0);
      const wide = await read(`SELECT * FROM '${join(all, 'features.parquet')}'`);
      expect(Object.keys(wide[0]!)).toEqual(['id', 'label', 'split', 'block1/relu', 'block2/relu']);
      expect(Float32Array.from(wide.flatMap((r) => r['block2/relu'] as number[]))).toEqual(got);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('SQLite and DuckDB tables of JPEG bytes give the folder features bit for bit', async () => {
    const sqliteFile = writeSqliteFile(join(dir, 'photos.sqlite'), records);
    sameFeatures(
      await exportNpy(
        (await extract(sqliteFile, '--table', 'photos', '--label-column', 'species')).store,
        'sqlite',
      ),
    );
    const duck = await writeDuckdbFile(join(dir, 'photos.duckdb'), records);
    const viaQuery = await extract(
      duck,
      '--query',
      'SELECT id, jpeg, species AS label FROM photos ORDER BY id',
      '--id-column',
      'id',
    );
    sameFeatures(await exportNpy(viaQuery.store, 'duckdb'));
  });

  it('bad input: one line, the contract exit code', async () => {
    const notParquet = join(dir, 'fake.parquet');
    writeFileSync(notParquet, 'id,label\n1,a\n');
    const fake = await fail(notParquet);
    expect(fake.code).toBe(65);
    expect(fake.stderr).toMatch(/not a readable Parquet file/);

    const sqliteFile = join(dir, 'photos.sqlite');
    const missingTable = await fail(sqliteFile, '--table', 'nope');
    expect(missingTable.code).toBe(66);
    expect(missingTable.stderr).toMatch(/tables: photos/);
    const missingColumn = await fail(sqliteFile, '--table', 'photos', '--label-column', 'kind');
    expect(missingColumn.code).toBe(78);
    expect(missingColumn.stderr).toMatch(/columns: id, jpeg, species/);
    const wrongType = await fail(
      sqliteFile,
      '--table',
      'photos',
      '--image-column',
      'id',
      '--label-column',
      'species',
    );
    expect(wrongType.code).toBe(65);
    expect(wrongType.stderr).toMatch(/column id is INTEGER/);
    const noRows = await fail(sqliteFile, '--query', 'SELECT * FROM photos WHERE id < 0');
    expect(noRows.code).toBe(65);
    expect(noRows.stderr).toMatch(/returned no rows/);
    const noTable = await fail(sqliteFile);
    expect(noTable.code).toBe(2);

    // NULL labels and bytes that are not an image: skipped and listed, or a failure under --strict
    const dirty = join(dir, 'dirty.duckdb');
    await writeDuckdbFile(dirty, records.slice(0, 12));
    await duckdbRun(dirty, [
      'UPDATE photos SET species = NULL WHERE id = 3',
      "UPDATE photos SET jpeg = 'not a jpeg'::BLOB WHERE id = 5",
    ]);
    const skipped = await runCli([
      '--home',
      home,
      'extract',
      model,
      dirty,
      '--table',
      'photos',
      '--label-column',
      'species',
      '--layers',
      LAYERS,
      '--json',
    ]);
    expect(skipped.code, skipped.stderr).toBe(0);
    const result = parseNdjson(skipped.stdout).at(-1) as { skipped: { id: string; reason: string }[] };
    expect(result.skipped.map((s) => s.id).sort()).toEqual(['3', '5']);
    const strictNull = await fail(dirty, '--table', 'photos', '--label-column', 'species', '--strict');
    expect(strictNull.code).toBe(65);
    expect(strictNull.stderr).toMatch(/row 3: no species value/);
  });
});
