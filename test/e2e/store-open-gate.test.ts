import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSyntheticStore } from '../train/synthetic-store.js';
import { cliBin, collectRun, runCli } from './cli-run.js';

/**
 * Opening and closing a store's LMDB environment take turns across processes (env-gate.ts): an
 * opener that met the last closer used LMDB's destroyed mutexes and failed with "Invalid argument".
 */
describe("a store's open gate", () => {
  const { dir } = createSyntheticStore();
  const gate = join(dir, 'features.mdb-gate');
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
  afterAll(() => void holder.kill());

  const until = async (ready: () => boolean) => {
    while (!ready()) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  it('keeps a reader waiting while a live process holds it, and lets it in once released', async () => {
    writeFileSync(gate, JSON.stringify({ pid: holder.pid, host: hostname() }));
    const reader = spawn(process.execPath, [cliBin, '--json', 'store', 'info', dir], {
      env: { ...process.env, CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const finished = collectRun(reader);
    // its reader lease comes just before the open: from then on it waits at the gate
    await until(() => existsSync(join(dir, 'readers')) && readdirSync(join(dir, 'readers')).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reader.exitCode).toBeNull();
    rmSync(gate);
    const run = await finished;
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ records: 300 });
    expect(existsSync(gate)).toBe(false);
  });

  it('replaces a gate whose holder died', async () => {
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => dead.once('exit', resolve));
    writeFileSync(gate, JSON.stringify({ pid: dead.pid, host: hostname() }));
    const run = await runCli(['--json', 'store', 'info', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(gate)).toBe(false);
  });
});
