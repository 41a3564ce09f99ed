import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI's entry, as a user's shell runs it. */
export const cliBin = join(import.meta.dirname, '..', '..', 'bin', 'layerlab.js');

/** Everything a child process prints and its exit code, once it has closed. */
export function collectRun(child: ChildProcessByStdio<null, Readable, Readable>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the real CLI (compiled by `npm test`'s build step) with no terminal attached. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return collectRun(
    spawn(process.execPath, [cliBin, ...args], {
      env: { ...process.env, CI: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

export function parseNdjson(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
