import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'layerlab.js');

/** Runs the CLI with a stdout whose reader is gone before it writes (`layerlab … | head -1`, later lines). */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the read end closes now; the CLI's first write meets EPIPE
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
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
