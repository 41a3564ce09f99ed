import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson, runCli } from './cli-run.js';

interface GroupRow {
  group: string;
  layer: string;
  model: string;
  head: string;
  val: number | null;
  test: number | null;
  records: number;
  sharedTest: number | null;
  skipped: boolean;
}

/**
 * builtin:shapes-groups has four groups of shapes images, each labelled by a different attribute
 * (shape, colour, texture, size): extracted once, trained with --groups, read back by group.
 */
describe('layerlab train --groups on builtin:shapes-groups (real CLI, end to end)', () => {
  const home = mkdtempSync(join(tmpdir(), 'layerlab-groups-e2e-'));
  let run: string;
  let rows: GroupRow[];
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  beforeAll(async () => {
    const extract = await runCli([
      '--home',
      home,
      'extract',
      'builtin:shapes-cnn',
      'builtin:shapes-groups',
      '--json',
    ]);
    expect(extract.stderr).toBe('');
    expect(extract.code).toBe(0);
    const store = (parseNdjson(extract.stdout).at(-1) as { store: string }).store;
    const train = await runCli([
      '--home',
      home,
      'train',
      '--store',
      store,
      '--groups',
      '--min-group-records',
      '50',
      '--epochs',
      '4',
      '--workers',
      '2',
      '--json',
    ]);
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    run = (parseNdjson(train.stdout).at(-1) as { run: string }).run;
    const results = await runCli(['--home', home, 'results', run, '--by', 'group', '--json']);
    expect(results.code).toBe(0);
    rows = (JSON.parse(results.stdout) as { groups: GroupRow[] }).groups;
  });

  it("gives every group a head of its own that beats the shared head on the group's test records by far", () => {
    expect(rows.map((r) => r.group).sort()).toEqual(['colour', 'shape', 'size', 'texture']);
    for (const row of rows) {
      expect(row.skipped).toBe(false);
      expect(row.records).toBe(600);
      expect(row.test!).toBeGreaterThan(row.sharedTest! + 0.2);
    }
    const mean = (f: (r: GroupRow) => number) => rows.reduce((n, r) => n + f(r), 0) / rows.length;
    expect(mean((r) => r.test!) - mean((r) => r.sharedTest!)).toBeGreaterThan(0.3);
  });

  it('finds that the best layer differs between groups', () => {
    expect(new Set(rows.map((r) => r.layer)).size).toBeGreaterThan(1);
  });

  it('prints the same rows as a table and as CSV', async () => {
    const table = await runCli(['--home', home, 'results', run, '--by', 'group']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^group\s+best layer\s+head\s+val accuracy\s+test\s+records\s+shared test$/,
    );
    for (const row of rows) expect(table.stdout).toContain(row.layer);
    const csv = await runCli(['--home', home, 'results', run, '--by', 'group', '--format', 'csv']);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('group,layer,model,head,val,test,records,sharedTest,skipped');
    expect(lines).toHaveLength(rows.length + 1);
  });

  it('refuses --by group for a run trained without groups, naming the fix', async () => {
    const stores = await runCli(['--home', home, 'store', 'ls', '--json']);
    const store = (JSON.parse(stores.stdout) as { stores: { store: string }[] }).stores[0]!.store;
    const plain = await runCli([
      '--home',
      home,
      'train',
      '--store',
      store,
      '--epochs',
      '1',
      '--layers',
      'last:1',
      '--json',
    ]);
    expect(plain.code).toBe(0);
    const id = (parseNdjson(plain.stdout).at(-1) as { run: string }).run;
    const byGroup = await runCli(['--home', home, 'results', id, '--by', 'group']);
    expect(byGroup.code).toBe(2);
    expect(byGroup.stderr).toMatch(/trained without groups; train with `layerlab train --groups`/);
  });
});
