import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-run.js';

interface DoctorReport {
  ok: boolean;
  versions: Record<string, string>;
  home: string;
  checks: { name: string; ok: boolean; detail: string; fix?: string }[];
}

describe('layerlab doctor', () => {
  it('reports versions and passing checks for a working installation', async () => {
    const home = mkdtempSync(join(tmpdir(), 'layerlab-doctor-'));
    const run = await runCli(['--home', home, 'doctor', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(report.versions.node).toBe(process.versions.node);
    expect(report.versions.lmdb).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.versions['onnxruntime-node']).toMatch(/^\d+\.\d+\.\d+/);
    const names = report.checks.map((c) => c.name);
    for (const name of ['onnxruntime', 'lmdb', 'home', 'tfjs']) expect(names).toContain(name);
    expect(report.checks.find((c) => c.name === 'onnxruntime')!.detail).toContain('cpu');
  });

  it('exits non-zero and names the fix when the home cannot be used', async () => {
    // A home below a regular file cannot be created (ENOTDIR).
    const file = join(mkdtempSync(join(tmpdir(), 'layerlab-doctor-')), 'file');
    writeFileSync(file, '');
    const run = await runCli(['--home', join(file, 'home'), 'doctor']);
    expect(run.code).toBe(78);
    expect(run.stdout).toMatch(/FAIL home/);
    expect(run.stdout).toMatch(/fix: pass --home DIR or set LAYERLAB_HOME/);
    expect(run.stderr).toMatch(/1 check\(s\) failed: home/);
  });
});
