import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-run.js';

/**
 * A store whose writer has created its folder and lock but not yet LMDB's first pages: readers met
 * it as a crash (lmdb-js segfaults on a short file, or throws "Invalid argument").
 */
describe('a store another process is creating', () => {
  const home = mkdtempSync(join(tmpdir(), 'layerlab-being-created-'));
  const store = join(home, 'stores', 'being-created');
  mkdirSync(store, { recursive: true });
  writeFileSync(join(store, 'features.mdb'), '');
  const writer = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
  writeFileSync(
    join(store, 'writer.lock'),
    JSON.stringify({
      pid: writer.pid,
      host: hostname(),
      command: 'extract',
      since: new Date().toISOString(),
    }),
  );
  afterAll(() => {
    writer.kill();
    rmSync(home, { recursive: true, force: true });
  });

  it('is left out of `store ls`, which says so and exits 0', async () => {
    const run = await runCli(['--home', home, 'store', 'ls']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/being-created is being created by pid \d+ .*\(extract\); try again/);
  });

  it('is locked for `store info` (73), and damaged once its writer is gone (65)', async () => {
    const locked = await runCli(['--home', home, 'store', 'info', 'being-created']);
    expect(locked.code, locked.stderr).toBe(73);
    writer.kill();
    await new Promise((resolve) => writer.once('exit', resolve));
    const damaged = await runCli(['--home', home, 'store', 'info', 'being-created']);
    expect(damaged.code, damaged.stderr).toBe(65);
    expect(damaged.stderr).toMatch(
      /features\.mdb is cut short\); remove it with `layerlab store gc being-created --all`/,
    );
  });
});
