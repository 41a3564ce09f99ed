import { spawn, type ChildProcess } from 'node:child_process';
import { cliBin } from '../e2e/cli-run.js';

export interface CoordinatorRun {
  code: number | null;
  events: Record<string, unknown>[];
  stderr: string;
}

/**
 * A real CLI coordinator (`train --cluster … --json`) as a child process; `onEvent` hears each
 * event as it comes, with the process (to signal it).
 */
export function coordinator(
  args: string[],
  onEvent: (event: Record<string, unknown>, child: ChildProcess) => void = () => {},
): Promise<CoordinatorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args, '--json'], {
      env: { ...process.env, CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: Record<string, unknown>[] = [];
    let partial = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const event = JSON.parse(line) as Record<string, unknown>;
        events.push(event);
        onEvent(event, child);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, events, stderr }));
  });
}

/** The messages of a run's log events. */
export const logsOf = (run: CoordinatorRun): string[] =>
  run.events.filter((e) => e.type === 'log').map((e) => String(e.message));
