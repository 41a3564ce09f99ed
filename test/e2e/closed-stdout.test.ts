import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliBin, collectRun, type CliRun } from './cli-run.js';

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
