import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNdjson, runCli } from './cli-run.js';

/** A grouped sweep: two layers × two linear configurations, trained per data group and shared. */
const SWEEP = `model: builtin:shapes-cnn
data: builtin:shapes-groups
layers: [block2/pool, block4/relu]
heads:
  type: linear
  lr: [0.1, 0.03]
groups: true
method: grid
epochs: 2
workers: 1
seed: 5
`;

interface GroupRow {
  group: string;
  layer: string;
  model: string;
  skipped: boolean;
}

describe('layerlab sweep with groups: true (real CLI, end to end)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlab-sweep-groups-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains a head per group, which results --by group and predict read back', async () => {
    const home = join(dir, 'home');
    const file = join(dir, 'sweep.yaml');
    writeFileSync(file, SWEEP);
    const swept = await runCli(['--home', home, 'sweep', file, '--json']);
    expect(swept.code, swept.stderr).toBe(0);
    const run = (parseNdjson(swept.stdout).at(-1) as { run: string }).run;

    const results = await runCli(['--home', home, 'results', run, '--by', 'group', '--json']);
    expect(results.code, results.stderr).toBe(0);
    const rows = (JSON.parse(results.stdout) as { groups: GroupRow[] }).groups;
    expect(rows.map((r) => r.group).sort()).toEqual(['colour', 'shape', 'size', 'texture']);
    for (const row of rows) {
      expect(row.skipped).toBe(false);
      expect(['block2/pool', 'block4/relu']).toContain(row.layer);
    }

    // predict on the sweep's run routes every record to its group's head, as for `train --groups`
    const out = join(dir, 'preds.csv');
    const predicted = await runCli([
      '--home',
      home,
      'predict',
      '--run',
      run,
      '--data',
      'builtin:shapes-groups',
      '--out',
      out,
      '--json',
    ]);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(parseNdjson(predicted.stdout).at(-1)).toMatchObject({ records: 2400, groups: { own: 2400 } });
    const header = readFileSync(out, 'utf8').split('\n')[0]!.split(',');
    expect(header.slice(-2)).toEqual(['group', 'head']);
  });
});
