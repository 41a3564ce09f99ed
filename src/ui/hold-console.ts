/**
 * Holds console output while the full-screen UI is up, so a library's log line cannot corrupt the
 * frame; what was held is written to stderr once the UI is gone.
 */
import { format } from 'node:util';

const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;

export interface HeldConsole {
  /** restores the console and prints what was held */
  release(): void;
}

export function holdConsole(stderr: NodeJS.WritableStream = process.stderr): HeldConsole {
  const held: string[] = [];
  const saved = { ...console };
  for (const name of methods) {
    console[name] = (...args: unknown[]) => {
      held.push(format(...args));
    };
  }
  return {
    release() {
      // Restores the very functions that were there, unbound, as they were.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      for (const name of methods) console[name] = saved[name];
      for (const line of held) stderr.write(`${line}\n`);
      held.length = 0;
    },
  };
}
