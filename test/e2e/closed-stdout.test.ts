import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBin, collectRun, parseNdjson, runCli, type CliRun } from './cli-run.js';
import { createTrainFixture, type TrainFixture } from './train-store.js';

/** Runs the CLI with a stdout whose reader is gone before it writes (`layerlab … | head -1`, later lines). */
function withClosedStdout(args: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, [cliBin, ...args], {
    env: { ...process.env, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy(); // the read end closes now; the CLI's first write meets EPIPE
  return collectRun(child);
}

describe('a closed stdout (the reader of a pipe went away)', () => {
  it.each([[['--help']], [['layers', 'builtin:shapes-cnn']], [['sweep', '--schema']]])(
    'layerlab %j stops quietly: exit 0, no stack trace',
    async (args) => {
      const run = await withClosedStdout(args);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    },
  );
});

describe('a closed stdout during a training run', () => {
  let fixture: TrainFixture;
  beforeAll(async () => {
    fixture = await createTrainFixture();
  }, 120_000);
  afterAll(() => rmSync(fixture.home, { recursive: true, force: true }));

  it('stops the run as Ctrl-C does (exit 130, resumable), not by aborting under its worker threads', async () => {
    // exiting at once used to end in ONNX Runtime's "terminate called after throwing an instance of
    // 'Napi::Error'" from the shard worker threads, exit 134
    const { home, store, heads } = fixture;
    const run = await withClosedStdout([
      '--home',
      home,
      'train',
      '--store',
      store,
      '--heads',
      heads,
      '--epochs',
      '30',
      '--workers',
      '2',
      '--json',
    ]);
    expect(run.stderr).not.toMatch(/terminate called|Napi::Error|\n\s+at /);
    expect(run.code).toBe(130);
    const runs = parseNdjson((await runCli(['--home', home, 'results', '--json'])).stdout);
    expect(JSON.stringify(runs)).toMatch(/interrupted/);
  }, 120_000);
});
