import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { cliBin as bin, collectRun, type CliRun } from './cli-run.js';
import { createRobustnessWorld, type RobustnessWorld } from './fixtures/robustness-world.js';

const ESC = '\u001b';

/** Every command path the program registers: `extract`, `store ls`, … (help subcommands aside). */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

/** Runs the CLI the way a script or CI log does: `layerlab … | cat` with CI=1. */
function piped(args: string[], env: NodeJS.ProcessEnv = { CI: '1' }): Promise<CliRun> {
  const quoted = [process.execPath, bin, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  // pipefail: the exit code is layerlab's, not cat's
  return collectRun(
    spawn('bash', ['-c', `set -o pipefail; ${quoted} | cat`], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

function expectNoEscapes(run: CliRun): void {
  expect(run.stdout.includes(ESC), `stdout holds an escape sequence:\n${run.stdout}`).toBe(false);
  expect(run.stderr.includes(ESC), `stderr holds an escape sequence:\n${run.stderr}`).toBe(false);
}

/** `--json`: stdout is JSON, line by line (NDJSON events and a result, or one document). */
function expectJsonLines(run: CliRun): void {
  const lines = run.stdout.split('\n').filter((l) => l.length > 0);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
}

const program = await buildProgram();

describe('non-TTY hygiene', () => {
  const paths = commandPaths(program);

  it('registers the commands the machine contract names', () => {
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining([
        'demo',
        'layers',
        'extract',
        'train',
        'ui',
        'results',
        'report',
        'doctor',
        'store ls',
      ]),
    );
  });

  const helps = [[], ...paths].map((path) => [['layerlab', ...path, '--help'].join(' '), path] as const);
  it.concurrent.each(helps)('%s: plain text, no escape sequences', async (_, path) => {
    const run = await piped([...path, '--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Usage: layerlab/);
    expectNoEscapes(run);
  });

  describe('real runs on tiny inputs', () => {
    let world: RobustnessWorld;
    beforeAll(async () => {
      world = await createRobustnessWorld();
    });
    afterAll(() => world?.dispose());
    const home = () => ['--home', world.home];

    /** Each command on the tiny world, as plain output and as --json. */
    const runs: [string, (w: RobustnessWorld) => string[]][] = [
      // a home of its own per run (the later --home wins): the plain and --json demos run at once,
      // and two extractions of one store at once rightly refuse each other (STORE_LOCKED)
      [
        'demo',
        (w) => ['--home', `${w.root}/demo-${Math.random()}`, 'demo', '--epochs', '1', '--layers', 'pool'],
      ],
      ['layers', (w) => ['layers', w.model]],
      [
        'extract',
        (w) => ['extract', w.model, w.data, '--layers', 'head/logits', '--store', `${w.root}/hygiene-store`],
      ],
      ['train', (w) => ['train', '--store', w.store, '--epochs', '1', '--workers', '1']],
      ['results', () => ['results']],
      ['results RUN', (w) => ['results', w.run]],
      ['store ls', () => ['store', 'ls']],
      ['store info', (w) => ['store', 'info', w.store]],
      ['store verify', (w) => ['store', 'verify', w.store]],
      ['doctor', () => ['doctor']],
      ['report', (w) => ['report', w.run, '--out', `${w.root}/report-${Math.random()}.html`]],
      [
        'predict',
        (w) => ['predict', '--run', w.run, '--data', w.data, '--out', `${w.root}/p-${Math.random()}.csv`],
      ],
      ['export-head', (w) => ['export-head', '--run', w.run, '--out', `${w.root}/h-${Math.random()}.onnx`]],
    ];

    it.concurrent.each(runs)('%s | cat: no escape sequences', async (_, args) => {
      const run = await piped([...home(), ...args(world)]);
      expect(run.code, run.stderr).toBe(0);
      expectNoEscapes(run);
    });

    it.concurrent.each(runs)('%s --json: every stdout line is JSON', async (_, args) => {
      const run = await piped([...home(), '--json', ...args(world)]);
      expect(run.code, run.stderr).toBe(0);
      expectNoEscapes(run);
      expectJsonLines(run);
    });

    it('a failure under --json is one JSON line on stderr, stdout stays JSON', async () => {
      const run = await piped([...home(), '--json', 'train', '--store', world.store, '--epochs', '0']);
      expect(run.code).toBe(2);
      expectNoEscapes(run);
      const lines = run.stderr.split('\n').filter((l) => l.length > 0);
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'error', exitCode: 2 });
      expect(run.stdout).toBe('');
    });

    it('without CI, a pipe alone keeps the output plain', async () => {
      const run = await piped(
        [...home(), 'extract', world.model, world.data, '--store', `${world.root}/no-ci`],
        {
          CI: '',
        },
      );
      expect(run.code, run.stderr).toBe(0);
      expectNoEscapes(run);
    });
  });
});
