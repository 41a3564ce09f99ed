/**
 * Drives the real CLI inside tmux, which gives it a terminal (a pty) even where the test runner has
 * none (CI): keys go in with send-keys, the screen comes back with capture-pane. Every session runs
 * on its own tmux server (-L), so nothing touches the user's tmux.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cliBin as bin } from './cli-run.js';

export const tmuxAvailable = spawnSync('tmux', ['-V']).status === 0;

/** Appended to a suite's name: why it did not run. */
export const skipReason = tmuxAvailable ? '' : ' (skipped: tmux is not installed)';

/**
 * A shell command line running the real CLI as a user would on a terminal: CI unset (it would turn
 * the UI off), this test's node binary (Node 20 or 24).
 */
export function layerlab(args: readonly string[], env: Record<string, string> = {}): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`);
  return ['env', '-u', 'CI', ...assignments, quote(process.execPath), quote(bin), ...args.map(quote)].join(
    ' ',
  );
}

let servers = 0;

const EXIT_MARK = /\[exit (\d+)\]/;

/** The command, then a line with its exit status, which the pane keeps after it ends. */
function reportingExit(command: string): string {
  return `${command}; printf '\\n[exit %s]\\n' "$?"`;
}

/** Polls every 100 ms; gives up after `capMs` (generous: CI machines are slow). */
async function poll<T>(read: () => T | undefined, capMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + capMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export class Tmux {
  readonly socket = `layerlab-test-${process.pid}-${servers++}`;

  private tmux(args: readonly string[]): string {
    const run = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout;
  }

  /**
   * A detached session of the given size running `command`; panes stay after it exits, showing its
   * exit status (tmux's own #{pane_dead_status} is not always set when the terminal closes first).
   */
  start(window: string, command: string, size = { columns: 120, rows: 40 }): void {
    this.tmux([
      'new-session',
      '-d',
      '-s',
      'test',
      '-n',
      window,
      '-x',
      String(size.columns),
      '-y',
      String(size.rows),
      reportingExit(command),
      ';',
      'set-option',
      '-g',
      'remain-on-exit',
      'on',
    ]);
  }

  window(window: string, command: string): void {
    this.tmux(['new-window', '-d', '-t', 'test', '-n', window, reportingExit(command)]);
  }

  keys(window: string, ...keys: string[]): void {
    this.tmux(['send-keys', '-t', `test:${window}`, ...keys]);
  }

  /** The visible screen as text (`escapes`: with colour and attribute codes). */
  capture(window: string, escapes = false): string {
    return this.tmux(['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', `test:${window}`]);
  }

  resize(window: string, columns: number, rows: number): void {
    this.tmux(['resize-window', '-t', `test:${window}`, '-x', String(columns), '-y', String(rows)]);
  }

  /**
   * Waits until the screen shows `text` (or matches it) in two captures in a row, so a capture taken
   * while the UI redraws (which can hold half of each frame) is not trusted; returns the last screen.
   * The rest of the screen may keep changing: a live run's ETA and memory figures never sit still.
   */
  waitFor(window: string, text: string | RegExp, capMs = 120_000): Promise<string> {
    const shows = (screen: string) => (typeof text === 'string' ? screen.includes(text) : text.test(screen));
    let previousShowed = false;
    return poll(
      () => {
        const screen = this.capture(window);
        const showed = shows(screen);
        const confirmed = showed && previousShowed;
        previousShowed = showed;
        return confirmed ? screen : undefined;
      },
      capMs,
      () => `${String(text)} in window ${window}; the screen was:\n${this.capture(window)}`,
    );
  }

  /** Waits for the command in the window to exit; returns its exit status. */
  async exitStatus(window: string, capMs = 60_000): Promise<number> {
    const screen = await this.waitFor(window, EXIT_MARK, capMs);
    return Number(EXIT_MARK.exec(screen)![1]);
  }

  /** Stops this test's tmux server and removes its socket file. */
  kill(): void {
    const path = spawnSync('tmux', ['-L', this.socket, 'display-message', '-p', '#{socket_path}'], {
      encoding: 'utf8',
    }).stdout.trim();
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    if (path !== '') rmSync(path, { force: true });
  }
}
