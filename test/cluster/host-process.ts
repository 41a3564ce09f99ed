import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { cliBin, collectRun, type CliRun } from '../e2e/cli-run.js';

/**
 * A real `layerlab worker` process with its own home: one host of the cluster. With `faults`, it
 * honours the test fault `exit` (it kills itself with SIGKILL mid-unit).
 */
export class HostProcess {
  readonly lines: Record<string, unknown>[] = [];
  readonly done: Promise<CliRun>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;

  constructor(
    url: string,
    readonly home: string,
    readonly name: string,
    options: { bin?: string; workers?: number; faults?: boolean } = {},
  ) {
    this.child = spawn(
      process.execPath,
      [
        options.bin ?? cliBin,
        'worker',
        '--cluster',
        url,
        '--home',
        home,
        '--name',
        name,
        '--workers',
        String(options.workers ?? 1),
        '--json',
      ],
      {
        env: { ...process.env, CI: '1', ...(options.faults ? { LAYERLAB_TEST_FAULTS: '1' } : {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let partial = '';
    this.child.stdout.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts)
        if (line.startsWith('{')) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    this.done = collectRun(this.child);
  }

  /** whether the process is still running */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits until it has printed a line of this type (the test's own timeout bounds the wait). */
  async waitFor(type: string): Promise<Record<string, unknown>> {
    for (;;) {
      const line = this.lines.find((l) => l.type === type);
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  signal(name: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(name);
  }
}

/**
 * A copy of this build that calls itself another layerlab version: its own package.json (the
 * version is read from the package root), the same compiled code, models and node_modules.
 * Returns the copy's CLI entry.
 */
export function otherVersionBuild(root: string, dir: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  symlinkSync(join(root, 'models'), join(dir, 'models'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, version }));
  return join(dir, 'bin', 'layerlab.js');
}
