import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingResult } from '../../src/core/result.js';
import { parseNdjson, runCli } from './cli-run.js';

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe('results and report of finished runs (real CLI)', () => {
  const home = mkdtempSync(join(tmpdir(), 'layerlab-results-'));
  let first: TrainingResult;
  let second: TrainingResult;

  beforeAll(async () => {
    const a = await runCli(['--home', home, 'demo', '--json', '--epochs', '3']);
    first = parseNdjson(a.stdout).at(-1) as unknown as TrainingResult;
    const b = await runCli(['--home', home, 'demo', '--json', '--epochs', '2', '--seed', '2']);
    second = parseNdjson(b.stdout).at(-1) as unknown as TrainingResult;
  });

  it('lists runs newest first', async () => {
    const run = await runCli(['--home', home, 'results', '--json']);
    expect(run.code).toBe(0);
    const { runs } = JSON.parse(run.stdout) as { runs: { id: string; status: string }[] };
    expect(runs.map((r) => r.id)).toEqual([second.run, first.run]);
    expect(runs.every((r) => r.status === 'done')).toBe(true);
  });

  it('prints one run as a table, CSV and JSON, best first', async () => {
    const table = await runCli(['--home', home, 'results', first.run]);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/model\s+layer\s+head\s+status\s+epochs\s+val accuracy\s+test acc/);
    expect(lines[1]).toMatch(
      new RegExp(`^\\*\\s+${first.run}\\s+\\S+\\s+${first.best.layer.replace('/', '\\/')}`),
    );
    expect(lines).toHaveLength(1 + 24);
    const csv = await runCli(['--home', home, 'results', first.run, '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe('run,model,layer,head,status,epochs,value,test,best');
    const json = JSON.parse(
      (await runCli(['--home', home, 'results', first.run, '--json'])).stdout,
    ) as TrainingResult & { models: { value: number }[] };
    expect(json.best).toEqual(first.best);
    expect(json.models.map((m) => m.value)).toEqual(
      [...json.models.map((m) => m.value)].sort((x, y) => y - x),
    );
  });

  it('compares runs in one table, and asks for --compare with several runs', async () => {
    const compare = await runCli([
      '--home',
      home,
      'results',
      '--compare',
      first.run,
      second.run,
      '--format',
      'csv',
    ]);
    const runsInRows = new Set(
      compare.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    );
    expect(runsInRows).toEqual(new Set([first.run, second.run]));
    const missingFlag = await runCli(['--home', home, 'results', first.run, second.run]);
    expect(missingFlag.code).toBe(2);
    const unknown = await runCli(['--home', home, 'results', 'run-nope']);
    expect(unknown.code).toBe(66);
    expect(unknown.stderr).toMatch(/no run run-nope; list runs with `layerlab results`/);
  });

  it('writes a self-contained HTML report that headless Chromium renders', async () => {
    const out = join(home, 'report.html');
    const run = await runCli(['--home', home, 'report', first.run, '--out', out]);
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    for (const section of [
      'Best validation accuracy by layer',
      'Learning curves of the best heads',
      'Confusion matrix of the best head',
      'All models',
      'Provenance',
    ]) {
      expect(html).toContain(section);
    }
    expect(html).toContain(first.best.layer);
    expect(html).toContain('model digest');
    // the run is over: models that trained every epoch are finished, not "active"
    expect(html).toContain('<td>finished</td>');
    expect(html).not.toContain('<td>active</td>');
    // Nothing to fetch: no scripts, stylesheets, images or fonts from anywhere.
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
    if (!chromium) return; // the rendering check needs Debian's chromium package (.ci/run installs it)
    const png = join(home, 'report.png');
    execFileSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`,
        '--window-size=1200,1600',
        `--screenshot=${png}`,
        `file://${out}`,
      ],
      { stdio: 'ignore', timeout: 60_000 },
    );
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(20_000);
  });
});
