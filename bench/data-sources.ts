/**
 * Issue 15, data where it lives. Two figures, each a ratio measured within one run:
 * 1. Records per second of `extract` (open + hash + decode + one forward pass + store) reading the
 *    same JPEGs from a PostgreSQL table (bytea), a Parquet file (BLOB column) and an image-path CSV,
 *    each ÷ the same JPEGs in a folder of class sub-folders. Target ≥ 0.9.
 * 2. Peak RSS of reading a synthetic PostgreSQL table of short texts (id, text, label: the path
 *    that needs no model) through the table source, 10N rows ÷ N rows, each size in a fresh child
 *    process (open: streamed scan and digest; then every record fetched back batch by batch).
 *    Target ≤ 1.2. The same for a Parquet file of the same rows (id column `id`), read with DuckDB,
 *    whose own row-group buffers come on top (docs/data-sources.md), and for a CSV file of them.
 * PostgreSQL is started here (Debian's `postgresql`) and stopped afterwards; without it the
 * PostgreSQL figures are skipped with a line saying so.
 * Run: npm run build && node dist/bench/data-sources.js [--quick]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import sharp from 'sharp';
import { loadBackbone } from '../src/backbone/load-backbone.js';
import { selectLayers } from '../src/backbone/select-layers.js';
import { Rng } from '../src/core/random.js';
import { openDataset } from '../src/data/open-dataset.js';
import type { OpenDatasetOptions } from '../src/data/open-options.js';
import { extract } from '../src/extract/extract.js';
import { recordResult, round, scratch } from './extract-common.js';
import { postgresBinDir, startPostgres } from './harness/postgres-server.js';

const MODEL = 'builtin:shapes-cnn';
const quick = process.argv.includes('--quick');

interface Jpeg {
  id: number;
  label: string;
  path: string;
  bytes: Buffer;
}

async function makeJpegs(count: number): Promise<Jpeg[]> {
  const rng = new Rng(15);
  const out: Jpeg[] = [];
  for (let i = 0; i < count; i++) {
    const label = `c${i % 4}`;
    const pixels = Buffer.from(Uint8Array.from({ length: 32 * 32 * 3 }, () => rng.int(256)));
    const bytes = await sharp(pixels, { raw: { width: 32, height: 32, channels: 3 } })
      .jpeg()
      .toBuffer();
    out.push({ id: 0, label, path: `${label}/${String(i).padStart(6, '0')}.jpg`, bytes });
  }
  out.sort((a, b) => (a.path < b.path ? -1 : 1));
  out.forEach((j, i) => (j.id = i + 1));
  return out;
}

async function timedExtract(ref: string, options: OpenDatasetOptions): Promise<number> {
  const backbone = await loadBackbone(MODEL);
  const started = performance.now();
  const dataset = await openDataset(ref, options);
  try {
    await extract({
      backbone,
      dataset,
      points: selectLayers(backbone.points, ['blocks']),
      pooling: 'mean',
      preprocess: backbone.resolvePreprocess({}),
      storeDir: join(scratch('layerlab-bench-src-'), 'store'),
      sink: () => {},
      batchSize: 64,
    });
  } finally {
    await dataset.close?.();
  }
  return dataset.size / ((performance.now() - started) / 1000);
}

async function throughput(count: number, pgUrl: string | undefined) {
  const jpegs = await makeJpegs(count);
  const dir = scratch('layerlab-bench-sources-');
  for (const j of jpegs) {
    mkdirSync(join(dir, 'folder', j.label), { recursive: true });
    writeFileSync(join(dir, 'folder', j.path), j.bytes);
  }
  writeFileSync(
    join(dir, 'labels.csv'),
    `id,file,label\n${jpegs.map((j) => `${j.id},folder/${j.path},${j.label}`).join('\n')}\n`,
  );
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('CREATE TABLE photos (id INTEGER, jpeg BLOB, label VARCHAR)');
  const appender = await connection.createAppender('photos');
  for (const j of jpegs) {
    appender.appendInteger(j.id);
    appender.appendBlob(j.bytes);
    appender.appendVarchar(j.label);
    appender.endRow();
  }
  appender.closeSync();
  await connection.run(`COPY photos TO '${join(dir, 'photos.parquet')}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  if (pgUrl) {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query('CREATE TABLE photos (id integer PRIMARY KEY, jpeg bytea, label text)');
    for (const j of jpegs)
      await client.query('INSERT INTO photos VALUES ($1, $2, $3)', [j.id, j.bytes, j.label]);
    await client.end();
  }
  // warm-up: model load, sharp and ONNX Runtime first-use costs land outside the measured runs
  await timedExtract(join(dir, 'folder'), {});
  const folder = await timedExtract(join(dir, 'folder'), {});
  const csv = await timedExtract(join(dir, 'labels.csv'), { imageColumn: 'file', idColumn: 'id' });
  const parquet = await timedExtract(join(dir, 'photos.parquet'), { idColumn: 'id' });
  const postgres = pgUrl ? await timedExtract(pgUrl, { table: 'photos' }) : undefined;
  return { records: count, folder, csv, parquet, postgres };
}

/** Child process: open a text table and read every record back; prints its peak RSS. */
async function rssChild(ref: string, table: string): Promise<void> {
  const dataset = await openDataset(ref, table === '' ? { idColumn: 'id' } : { table });
  for (let start = 0; start < dataset.size; start += 256)
    await dataset.readBatch(start, Math.min(256, dataset.size - start));
  await dataset.close?.();
  process.stdout.write(
    `${JSON.stringify({ records: dataset.size, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
  );
}

/** `table` '': `ref` is a Parquet or CSV file with an `id` column. */
interface RssRun {
  records: number;
  peakRssBytes: number;
}

/**
 * The median peak RSS of three fresh children reading `ref`: one child's peak moves a few MiB with
 * when the garbage collector runs, which is a few points of the ratio.
 */
function rssOf(ref: string, table: string): RssRun {
  const runs = Array.from({ length: 3 }, () => {
    const run = spawnSync(process.execPath, [import.meta.filename, '--rss-child', ref, table], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`rss child failed: ${run.stderr}`);
    return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as RssRun;
  });
  return runs.sort((a, b) => a.peakRssBytes - b.peakRssBytes)[1]!;
}

async function main() {
  const count = quick ? 200 : 2000;
  const n = quick ? 10_000 : 100_000;
  const server = postgresBinDir() ? await startPostgres() : undefined;
  if (!server) console.log('PostgreSQL figures skipped: install the Debian package postgresql');
  try {
    const speed = await throughput(count, server?.url());
    let rss: Record<string, unknown> | undefined;
    const mib = (b: number) => round(b / 2 ** 20, 1);
    const rssFigures = (source: string, small: RssRun, large: RssRun) => ({
      source,
      n: { records: small.records, peakRssMiB: mib(small.peakRssBytes) },
      tenN: { records: large.records, peakRssMiB: mib(large.peakRssBytes) },
      ratio: round(large.peakRssBytes / small.peakRssBytes, 3),
      target: 'ratio <= 1.2',
    });
    const parquetRss = await (async () => {
      const dir = scratch('layerlab-bench-rss-parquet-');
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      for (const [name, rows] of [
        ['texts_n', n],
        ['texts_10n', 10 * n],
      ] as const)
        await connection.run(
          `COPY (SELECT i::INTEGER AS id, 'short text number ' || i AS text, (i % 10)::VARCHAR AS label FROM range(1, ${rows + 1}) t(i)) TO '${join(dir, `${name}.parquet`)}' (FORMAT parquet)`,
        );
      connection.closeSync();
      instance.closeSync();
      return rssFigures(
        'Parquet file of the same short texts (DuckDB), --id-column id',
        rssOf(join(dir, 'texts_n.parquet'), ''),
        rssOf(join(dir, 'texts_10n.parquet'), ''),
      );
    })();
    const csvRss = (() => {
      const dir = scratch('layerlab-bench-rss-csv-');
      for (const [name, rows] of [
        ['texts_n', n],
        ['texts_10n', 10 * n],
      ] as const) {
        const lines = Array.from(
          { length: rows },
          (_, i) => `${i + 1},short text number ${i + 1},${(i + 1) % 10}`,
        );
        writeFileSync(join(dir, `${name}.csv`), `id,text,label\n${lines.join('\n')}\n`);
      }
      return rssFigures(
        'CSV file of the same short texts, --id-column id',
        rssOf(join(dir, 'texts_n.csv'), ''),
        rssOf(join(dir, 'texts_10n.csv'), ''),
      );
    })();
    if (server) {
      const client = new pg.Client({ connectionString: server.url() });
      await client.connect();
      for (const [table, rows] of [
        ['texts_n', n],
        ['texts_10n', 10 * n],
      ] as const)
        await client.query(
          `CREATE TABLE ${table} AS SELECT i AS id, 'short text number ' || i AS text, (i % 10)::text AS label FROM generate_series(1, ${rows}) AS i; ALTER TABLE ${table} ADD PRIMARY KEY (id)`,
        );
      await client.end();
      rss = rssFigures(
        'PostgreSQL table of short texts (id integer primary key, text, label)',
        rssOf(server.url(), 'texts_n'),
        rssOf(server.url(), 'texts_10n'),
      );
    }
    const ratio = (x: number | undefined) => (x === undefined ? null : round(x / speed.folder, 3));
    recordResult('data-sources', {
      quick,
      setup: { model: MODEL, layers: 'blocks', images: `${count} JPEGs 32×32`, batchSize: 64 },
      recordsPerSecond: {
        folder: round(speed.folder, 1),
        csv: round(speed.csv, 1),
        parquet: round(speed.parquet, 1),
        postgres: speed.postgres === undefined ? null : round(speed.postgres, 1),
      },
      ratio: { postgres: ratio(speed.postgres), parquet: ratio(speed.parquet), csv: ratio(speed.csv) },
      target: 'ratio >= 0.9 (source ÷ folder)',
      ...(rss ? { rss } : {}),
      rssParquet: parquetRss,
      rssCsv: csvRss,
    });
  } finally {
    server?.stop();
  }
}

if (process.argv[2] === '--rss-child') await rssChild(process.argv[3]!, process.argv[4] ?? '');
else await main();
