import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../data/write-datasets.js';
import { makeJpegs, writeJpegFolder, type JpegRecord } from '../data/write-table-sources.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import {
  PG_PASSWORD,
  postgresAvailable,
  startPostgres,
  type PostgresServer,
} from '../support/postgres-server.js';
import { cliBin, parseNdjson, runCli, type CliRun } from './cli-run.js';

const LAYERS = 'block1/relu,block2/relu';

/** Issue 15 against a real PostgreSQL server started (and stopped) by this suite. */
describe.skipIf(!postgresAvailable())('PostgreSQL source (real server, real CLI)', () => {
  const dir = tempDir('layerlab-pg-e2e-');
  const home = join(dir, 'home');
  const model = join(dir, 'tiny.onnx');
  let server: PostgresServer;
  let client: pg.Client;
  let records: JpegRecord[];
  let folderExport: string;
  const outputs: CliRun[] = [];

  const cli = async (args: string[]) => {
    const run = await runCli(['--home', home, ...args]);
    outputs.push(run);
    return run;
  };
  const extract = async (table: string, ...flags: string[]) => {
    const run = await cli([
      'extract',
      model,
      server.url(),
      '--table',
      table,
      '--label-column',
      'species',
      '--layers',
      LAYERS,
      '--json',
      ...flags,
    ]);
    expect(run.code, run.stderr).toBe(0);
    return parseNdjson(run.stdout);
  };
  const exportNpy = async (store: string, name: string) => {
    const out = join(dir, 'export', name);
    const run = await cli(['store', 'export', store, '--layer', 'block2/relu', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    return {
      features: readFileSync(join(out, 'features.npy')),
      labels: readFileSync(join(out, 'labels.npy')),
      ids: (JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { ids: string[] }).ids,
    };
  };
  const fillTable = async (table: string, rows: readonly JpegRecord[]) => {
    await client.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, jpeg bytea, species text)`);
    for (const r of rows)
      await client.query(`INSERT INTO ${table} VALUES ($1, $2, $3)`, [r.id, r.bytes, r.label]);
  };

  beforeAll(async () => {
    server = await startPostgres();
    client = new pg.Client({ connectionString: server.url() });
    await client.connect();
    writeFileSync(model, tinyCnn());
    records = await makeJpegs(40);
    await fillTable('photos', records);
    writeJpegFolder(join(dir, 'folder'), records);
    const folder = await cli(['extract', model, join(dir, 'folder'), '--layers', LAYERS, '--json']);
    expect(folder.code, folder.stderr).toBe(0);
    folderExport = join(dir, 'export', 'folder');
    expect(
      (
        await cli([
          'store',
          'export',
          String(parseNdjson(folder.stdout).at(-1)!.store),
          '--layer',
          'block2/relu',
          '--out',
          folderExport,
        ])
      ).code,
    ).toBe(0);
  });

  afterAll(async () => {
    await client?.end();
    server?.stop();
  });

  it('features from a table of JPEG bytes equal those from the same JPEGs in a folder, bit for bit', async () => {
    const result = (await extract('photos')).at(-1) as { store: string };
    const exported = await exportNpy(result.store, 'pg');
    expect(exported.features.equals(readFileSync(join(folderExport, 'features.npy')))).toBe(true);
    expect(exported.labels.equals(readFileSync(join(folderExport, 'labels.npy')))).toBe(true);
    expect(exported.ids).toEqual(records.map((r) => String(r.id)));
    // the password is in no output, no store file
    const info = await cli(['store', 'info', result.store, '--json']);
    expect(info.stdout).toContain(`127.0.0.1:${server.port}`);
    for (const entry of readdirSync(result.store, { recursive: true, withFileTypes: true }))
      if (entry.isFile())
        expect(readFileSync(join(entry.parentPath, entry.name)).includes(PG_PASSWORD), entry.name).toBe(
          false,
        );
  });

  it(
    'appended, deleted and changed rows: only those records change in the store',
    { timeout: 600_000 },
    async () => {
      await fillTable('grow', records.slice(0, 30));
      const first = (await extract('grow')).at(-1) as { store: string };
      const before = await exportNpy(first.store, 'grow-before');
      for (const r of records.slice(30, 32))
        await client.query('INSERT INTO grow VALUES ($1, $2, $3)', [r.id, r.bytes, r.label]);
      await client.query('DELETE FROM grow WHERE id = 4');
      await client.query('UPDATE grow SET jpeg = $1 WHERE id = 7', [records[35]!.bytes]);
      const events = await extract('grow');
      const progress = events.find((e) => e.type === 'extract.progress') as { total: number };
      expect(progress.total).toBe(3); // 2 appended + 1 changed
      const after = await exportNpy(first.store, 'grow-after');
      const fresh = await extract('grow', '--store', join(dir, 'fresh-store'));
      expect(fresh.at(-1)).toMatchObject({ cached: false });
      const reference = await exportNpy(join(dir, 'fresh-store'), 'grow-fresh');
      expect(after).toEqual(reference);
      expect(after.ids).not.toContain('4');
      expect(after.ids).toHaveLength(31);
      // unchanged records kept their stored features
      const dims = (before.features.length - 128) / 4 / 30;
      const row = (buffer: Buffer, ids: string[], id: string) => {
        const i = ids.indexOf(id);
        return buffer.subarray(buffer.length - ids.length * dims * 4 + i * dims * 4).subarray(0, dims * 4);
      };
      expect(row(after.features, after.ids, '9').equals(row(before.features, before.ids, '9'))).toBe(true);
      expect(row(after.features, after.ids, '7').equals(row(before.features, before.ids, '7'))).toBe(false);
    },
  );

  it(
    'kill -9 during an extraction, then resume: byte-identical to an uninterrupted one',
    { timeout: 600_000 },
    async () => {
      const many = await makeJpegs(240, 9);
      await fillTable('many', many);
      const args = [
        '--home',
        home,
        'extract',
        model,
        server.url(),
        '--table',
        'many',
        '--label-column',
        'species',
        '--layers',
        LAYERS,
        '--batch-size',
        '8',
        '--json',
        '--progress-ms',
        '0',
      ];
      const killed = await new Promise<boolean>((resolve, reject) => {
        const child = spawn(process.execPath, [cliBin, ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, CI: '1' },
        });
        let buffered = '';
        let done = false;
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) {
            const event = JSON.parse(line) as { type: string; records?: number };
            if (!done && event.type === 'extract.progress' && (event.records ?? 0) >= 80) {
              done = true;
              child.kill('SIGKILL');
            }
          }
        });
        child.on('error', reject);
        child.on('close', () => resolve(done));
      });
      expect(killed).toBe(true);
      const resumed = await runCli(args);
      expect(resumed.code, resumed.stderr).toBe(0);
      const store = String(parseNdjson(resumed.stdout).at(-1)!.store);
      const fresh = await runCli([...args, '--store', join(dir, 'many-fresh')]);
      expect(fresh.code, fresh.stderr).toBe(0);
      expect(await exportNpy(store, 'many')).toEqual(await exportNpy(join(dir, 'many-fresh'), 'many-fresh'));
    },
  );

  it(
    'bad input: one line naming the problem, the contract exit code, never the password',
    { timeout: 600_000 },
    async () => {
      const fail = async (ref: string, ...flags: string[]) => {
        const run = await cli(['extract', model, ref, '--layers', LAYERS, ...flags]);
        expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
        return run;
      };
      const unreachable = await fail(
        `postgresql://layerlab:${PG_PASSWORD}@127.0.0.1:1/postgres`,
        '--table',
        'photos',
      );
      expect(unreachable.code).toBe(74);
      expect(unreachable.stderr).toContain('127.0.0.1:1');
      const badPassword = await fail(server.url('wrong-Secret-99'), '--table', 'photos');
      expect(badPassword.code).toBe(78);
      expect(badPassword.stderr).toMatch(/authentication failed/);
      expect(badPassword.stderr).not.toContain('wrong-Secret-99');
      const noTable = await fail(server.url(), '--table', 'nope');
      expect(noTable.code).toBe(66);
      expect(noTable.stderr).toMatch(/tables: .*photos/);
      const noColumn = await fail(server.url(), '--table', 'photos', '--label-column', 'kind');
      expect(noColumn.code).toBe(78);
      expect(noColumn.stderr).toMatch(/columns: id, jpeg, species/);
      const wrongType = await fail(
        server.url(),
        '--table',
        'photos',
        '--label-column',
        'species',
        '--image-column',
        'id',
      );
      expect(wrongType.code).toBe(65);
      expect(wrongType.stderr).toMatch(/column id is integer/);
      const noRows = await fail(
        server.url(),
        '--query',
        'SELECT * FROM photos WHERE id < 0',
        '--label-column',
        'species',
      );
      expect(noRows.code).toBe(65);
      expect(noRows.stderr).toMatch(/returned no rows/);
      const json = await fail(server.url(), '--table', 'nope', '--json');
      expect(JSON.parse(json.stderr)).toMatchObject({ type: 'error', exitCode: 66 });
      for (const run of outputs) expect(`${run.stdout}${run.stderr}`).not.toContain(PG_PASSWORD);
    },
  );
});
