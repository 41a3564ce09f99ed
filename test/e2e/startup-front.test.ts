import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { collectRun, runCli } from './cli-run.js';

/**
 * bin/layerlab.js runs the front first (dist/cli/front.cjs, src/cli/front.ts; start-up time, issue
 * 12): it answers help, usage errors, `results` and `store ls` itself and hands every other action
 * over to the full CLI (dist/cli/main.js). On Node 20 it compiles the front with V8's code cache,
 * kept in the home. Whatever the front or its cache, a run prints what the full CLI prints.
 */
const root = join(import.meta.dirname, '..', '..');
const frontFile = join(root, 'dist', 'cli', 'front.cjs');
const fullMain = pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href;
// Node ≥ 22.1 (`@types/node` here is 20's, without the call)
const nodeKeepsCompiledCode =
  typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

const scratch = mkdtempSync(join(tmpdir(), 'layerlab-front-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let homes = 0;
const freshHome = () => join(scratch, `home-${++homes}`);

/** A child that runs the given module text with the CLI's arguments after `--`. */
function runProbe(source: string, args: string[]) {
  return collectRun(
    spawn(process.execPath, ['--input-type=module', '-e', source, '--', ...args], {
      env: { ...process.env, CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/** What the full CLI (the ES module bundle, no front) prints for these arguments. */
const runFull = (args: string[]) =>
  runProbe(
    `const { main } = await import(${JSON.stringify(fullMain)}); await main(['node', 'layerlab', ...process.argv.slice(1)]);`,
    args,
  );

/** The front alone: prints `HANDED OVER` (on stderr) where bin would run the full CLI. */
const runFront = (args: string[]) =>
  runProbe(
    `import { createRequire } from 'node:module';
const front = createRequire(import.meta.url)(${JSON.stringify(frontFile)});
try { await front.frontMain(['node', 'layerlab', ...process.argv.slice(1)]); }
catch (error) { if (!(error instanceof front.HandOver)) throw error; process.stderr.write('HANDED OVER'); }`,
    args,
  );

const cacheFiles = (home: string) => {
  try {
    return readdirSync(join(home, 'cache', 'compile'));
  } catch {
    return [];
  }
};

describe('the front', () => {
  const light = [
    ['--help'],
    ['results'],
    ['store', 'ls'],
    ['extract'], // usage error: commander's
    ['train', '--epochs', '0', '--store', 'somewhere'], // usage error: the action's
    ['--json', 'train', '--epochs', '0', '--store', 'somewhere'],
    ['triage', '--help'],
    ['nonsense'],
  ];
  it.concurrent.each(light.map((args) => [args.join(' '), args] as const))(
    '%s: answered by the front as by the full CLI',
    async (_, args) => {
      const home = freshHome();
      const [front, full, bin] = await Promise.all([
        runFront(['--home', home, ...args]),
        runFull(['--home', home, ...args]),
        runCli(['--home', home, ...args]),
      ]);
      expect(front.stderr).not.toContain('HANDED OVER');
      expect(front).toEqual(full);
      expect(bin).toEqual(full);
    },
  );

  it('hands an engine-loading action over before it prints anything; bin then runs it in full', async () => {
    const home = freshHome();
    const args = ['--home', home, 'layers', 'builtin:shapes-cnn'];
    const front = await runFront(args);
    expect(front).toEqual({ code: 0, stdout: '', stderr: 'HANDED OVER' });
    const [full, bin] = await Promise.all([runFull(args), runCli(args)]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toMatch(/block3\/pool/);
    expect(bin).toEqual(full);
  });

  it('hands over at every import of a module it does not hold, not only the first', async () => {
    const home = freshHome();
    const run = await runProbe(
      `import { createRequire } from 'node:module';
const front = createRequire(import.meta.url)(${JSON.stringify(frontFile)});
const once = () => front.frontMain(['node', 'layerlab', '--home', ${JSON.stringify(home)}, 'store', 'info', 'some-store'])
  .then(() => 'done', (error) => (error instanceof front.HandOver ? 'handed over' : String(error)));
process.stdout.write(JSON.stringify([await once(), await once()]));`,
      [],
    );
    expect(run.stdout, run.stderr).toBe('["handed over","handed over"]');
  });
});

describe.skipIf(nodeKeepsCompiledCode)("the front's code cache (Node 20)", () => {
  it('is written in the home after the first run and read by the next', async () => {
    const home = freshHome();
    const first = await runCli(['--home', home, '--help']);
    expect(first.code, first.stderr).toBe(0);
    const [cache] = cacheFiles(home);
    expect(cache).toMatch(/^front-v\d+\.\d+\.\d+-.+\.v8$/);
    const written = readFileSync(join(home, 'cache', 'compile', cache!));
    expect(written.length).toBeGreaterThan(0);
    const second = await runCli(['--home', home, '--help']);
    expect(second).toEqual(first);
    // accepted, so not written again
    expect(readFileSync(join(home, 'cache', 'compile', cache!)).equals(written)).toBe(true);
    // a new kind of run adds the functions it compiled (the first line lists the kinds)
    const listing = await runCli(['--home', home, 'results']);
    expect(listing.code, listing.stderr).toBe(0);
    const grown = readFileSync(join(home, 'cache', 'compile', cache!));
    expect(grown.subarray(0, grown.indexOf(10)).toString()).toBe('+help results');
    expect(cacheFiles(home)).toEqual([cache]);
  });

  it.each([
    ['corrupt', () => Promise.resolve(Buffer.from('not a V8 code cache at all'))],
    ['foreign (made for another script)', () => foreignCache()],
  ])('a %s cache is ignored and rewritten; the run prints the same', async (_, bytes) => {
    const home = freshHome();
    const expected = await runCli(['--home', home, '--help']);
    const [cache] = cacheFiles(home);
    const path = join(home, 'cache', 'compile', cache!);
    const bad = await bytes();
    writeFileSync(path, bad);
    const run = await runCli(['--home', home, '--help']);
    expect(run).toEqual(expected);
    expect(cacheFiles(home)).toEqual([cache]);
    expect(readFileSync(path).equals(bad)).toBe(false);
    const usage = await runCli(['--home', home, 'extract']);
    expect(usage.code).toBe(2);
  });

  it('a home where the cache cannot be written costs only time', async () => {
    const home = freshHome();
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'cache'), 'a file where the cache folder would be');
    const [bin, full] = await Promise.all([
      runCli(['--home', home, 'results']),
      runFull(['--home', home, 'results']),
    ]);
    expect(bin.code, bin.stderr).toBe(0);
    expect(bin).toEqual(full);
  });
});

/**
 * A code cache V8 made for another script. (V8 checks only a source's length; a cache for another
 * build of the front is kept apart by its file name, which holds the front's inode, size and mtime.)
 */
async function foreignCache(): Promise<Buffer> {
  const made = await runProbe(
    `import vm from 'node:vm'; import module from 'node:module';
const script = new vm.Script(module.wrap('globalThis.x = 1;'), { filename: 'other.cjs' });
script.runInThisContext();
process.stdout.write(script.createCachedData().toString('base64'));`,
    [],
  );
  expect(made.code, made.stderr).toBe(0);
  return Buffer.from(made.stdout, 'base64');
}
