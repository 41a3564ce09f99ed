import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBin, collectRun } from './cli-run.js';

/**
 * Start-up time is the modules a run loads (issue 12): help, the version, the run list, store
 * listings and usage errors must not load a native engine (ONNX Runtime, lmdb, sharp, DuckDB). The
 * child runs the real `main` of the bundle bin/layerlab.js runs (dist/cli/, `npm run build`) and
 * then lists the native addons its process has loaded.
 */
const main = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js')).href;
const probe = `
const { main } = await import(${JSON.stringify(main)});
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = () => true;
await main(['node', 'layerlab', ...process.argv.slice(1)]);
process.stdout.write = write;
const addons = process.report.getReport().sharedObjects.filter((p) => p.endsWith('.node'));
console.log(JSON.stringify(addons));
`;

const home = mkdtempSync(join(tmpdir(), 'layerlab-startup-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function addonsLoadedBy(args: string[]): Promise<string[]> {
  const run = await collectRun(
    spawn(process.execPath, ['--input-type=module', '-e', probe, '--', '--home', home, ...args], {
      env: { ...process.env, CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  expect(last, run.stderr).toMatch(/^\[/);
  return JSON.parse(last) as string[];
}

describe('start-up loads no native engine', () => {
  const runs = [
    ['--help'],
    ['--version'],
    ['results'],
    ['store', 'ls'], // a home without stores: nothing for the LMDB engine to read
    ['extract'], // a usage error: the model and data are missing
    ['train', '--epochs', '0'],
    ...['extract', 'train', 'triage', 'predict', 'store', 'cluster', 'worker'].map((c) => [c, '--help']),
  ];
  it.concurrent.each(runs.map((args) => [args.join(' '), args] as const))('%s', async (_, args) => {
    expect(await addonsLoadedBy([...args])).toEqual([]);
  });

  it('store ls with a store reads its listing, not LMDB', async () => {
    const withStore = join(home, 'with-store');
    const made = await collectRun(
      spawn(
        process.execPath,
        [
          cliBin,
          '--home',
          withStore,
          'extract',
          'builtin:shapes-cnn',
          'builtin:shapes',
          '--layers',
          'last:1',
          '-q',
        ],
        { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    expect(made.code, made.stderr).toBe(0);
    expect(await addonsLoadedBy(['--home', withStore, 'store', 'ls'])).toEqual([]);
  });

  it('the probe sees an engine when a command does load one', async () => {
    expect((await addonsLoadedBy(['layers', 'builtin:shapes-cnn'])).join('\n')).toMatch(/onnxruntime/);
  });
});
