/**
 * Why Parquet is read with DuckDB: DuckDB (`@duckdb/node-api`, the dependency layerlab uses) against
 * `parquet-wasm` + `apache-arrow` (pure wasm, the other well-kept choice), reading every row of the same
 * zstd Parquet files (id, label, 2,000 random bytes per row: image-sized and incompressible) at N and
 * 10×N rows. Each read runs in its own process, which reports its seconds and peak RSS.
 * parquet-wasm is not a dependency: install it beside the project to run this comparison
 * (`npm install --no-save parquet-wasm apache-arrow`); without it the bench says so and skips.
 * Run: npm run build && node dist/bench/parquet-readers.js [N]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openAsBlob, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { formatBytes } from '../src/core/format-bytes.js';
import { recordResult, round, scratch } from './extract-common.js';

const BYTES_PER_ROW = 2000;

/** The little of parquet-wasm and apache-arrow this comparison uses. */
interface ParquetWasm {
  ParquetFile: {
    fromFile(blob: Blob): Promise<{
      stream(options: { batchSize: number }): Promise<AsyncIterable<{ intoIPCStream(): Uint8Array }>>;
    }>;
  };
}
interface Arrow {
  tableFromIPC(bytes: Uint8Array): { numRows: number };
}

interface ReadFigures {
  reader: string;
  rows: number;
  seconds: number;
  peakRssBytes: number;
}

async function writeParquet(path: string, rows: number): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('CREATE TABLE t (id BIGINT, label INTEGER, image BLOB)');
  const appender = await connection.createAppender('t');
  for (let i = 0; i < rows; i++) {
    appender.appendBigInt(BigInt(i));
    appender.appendInteger(i % 10);
    appender.appendBlob(randomBytes(BYTES_PER_ROW));
    appender.endRow();
  }
  appender.closeSync();
  await connection.run(`COPY t TO '${path}' (FORMAT parquet, COMPRESSION zstd)`);
  connection.closeSync();
  instance.closeSync();
}

/** Streams every row with DuckDB, chunk by chunk, as layerlab's Parquet source does. */
async function readWithDuckdb(path: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  const result = await connection.stream(`SELECT id, label, image FROM read_parquet('${path}')`);
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    rows += chunk.rowCount;
  }
  return rows;
}

/** Streams every row with parquet-wasm, record batch by record batch, decoded with apache-arrow. */
async function readWithParquetWasm(path: string): Promise<number> {
  // names held in variables: neither package is a dependency, so the compiler must not resolve them
  const wasmName = 'parquet-wasm';
  const arrowName = 'apache-arrow';
  const wasm = (await import(wasmName)) as ParquetWasm;
  const arrow = (await import(arrowName)) as Arrow;
  const file = await wasm.ParquetFile.fromFile(await openAsBlob(path));
  let rows = 0;
  for await (const batch of await file.stream({ batchSize: 1024 }))
    rows += arrow.tableFromIPC(batch.intoIPCStream()).numRows;
  return rows;
}

async function child(reader: string, path: string): Promise<void> {
  const started = performance.now();
  const rows = reader === 'duckdb' ? await readWithDuckdb(path) : await readWithParquetWasm(path);
  const figures: ReadFigures = {
    reader,
    rows,
    seconds: (performance.now() - started) / 1000,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

function measure(reader: string, path: string): ReadFigures {
  const run = spawnSync(process.execPath, [import.meta.filename, '--child', reader, path], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`${reader} on ${path} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as ReadFigures;
}

async function parquetWasmInstalled(): Promise<boolean> {
  const name = 'parquet-wasm';
  return import(name).then(
    () => true,
    () => false,
  );
}

async function main(): Promise<void> {
  if (!(await parquetWasmInstalled())) {
    console.log(
      'parquet readers: skipped: parquet-wasm is not installed (npm install --no-save parquet-wasm apache-arrow)',
    );
    return;
  }
  const n = Number(process.argv[2] ?? 20_000);
  const dir = scratch('layerlab-bench-parquet-');
  try {
    const sizes = [n, 10 * n];
    const figures: Record<number, { duckdb: ReadFigures; parquetWasm: ReadFigures }> = {};
    for (const rows of sizes) {
      const path = join(dir, `rows-${rows}.parquet`);
      await writeParquet(path, rows);
      figures[rows] = { duckdb: measure('duckdb', path), parquetWasm: measure('parquet-wasm', path) };
    }
    console.log('rows      reader        rows/s   peak RSS');
    for (const rows of sizes)
      for (const f of [figures[rows]!.duckdb, figures[rows]!.parquetWasm])
        console.log(
          `${String(rows).padEnd(9)} ${f.reader.padEnd(12)} ${String(Math.round(f.rows / f.seconds)).padStart(7)}   ${formatBytes(f.peakRssBytes)}`,
        );
    const big = figures[10 * n]!;
    const speed = big.duckdb.seconds > 0 ? big.parquetWasm.seconds / big.duckdb.seconds : NaN;
    const memory = big.parquetWasm.peakRssBytes / big.duckdb.peakRssBytes;
    console.log(
      `at ${10 * n} rows: parquet-wasm takes ${round(speed, 2)}× DuckDB's time and ${round(memory, 2)}× its peak RSS`,
    );
    recordResult('parquet-readers', {
      rowsPerFile: sizes,
      bytesPerRow: BYTES_PER_ROW,
      figures,
      ratios: { parquetWasmTimeOverDuckdb: round(speed, 3), parquetWasmRssOverDuckdb: round(memory, 3) },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else await main();
