import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect, it } from 'vitest';
import type { TrainingResult } from '../../src/core/result.js';
import { parseNdjson, runCli } from './cli-run.js';

it(
  'predict --out preds.parquet writes the CSV columns and values as Parquet (real CLI)',
  { timeout: 600_000 },
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'layerlab-predict-pq-'));
    const demo = await runCli(['--home', home, 'demo', '--json', '--epochs', '1']);
    expect(demo.code, demo.stderr).toBe(0);
    const run = (parseNdjson(demo.stdout).at(-1) as unknown as TrainingResult).run;
    const predict = (out: string) =>
      runCli(['--home', home, 'predict', '--run', run, '--data', 'builtin:shapes', '--out', join(home, out)]);
    expect((await predict('preds.csv')).code).toBe(0);
    const parquet = await predict('preds.parquet');
    expect(parquet.code, parquet.stderr).toBe(0);
    const [header, ...lines] = readFileSync(join(home, 'preds.csv'), 'utf8').trim().split('\n');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT * FROM '${join(home, 'preds.parquet')}'`);
      expect(reader.columnNames()).toEqual(header!.split(','));
      const rows = reader.getRowObjectsJS();
      expect(rows).toHaveLength(lines.length);
      rows.forEach((row, i) => {
        const cells = lines[i]!.split(',');
        expect([row.id, row.prediction]).toEqual(cells.slice(0, 2));
        // the CSV prints 6 significant digits of the same float32 probabilities
        Object.values(row)
          .slice(2)
          .forEach((p, c) => expect(Number(p)).toBeCloseTo(Number(cells[c + 2]), 5));
      });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  },
);
