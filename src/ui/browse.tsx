/**
 * `layerlab ui`: the full-screen browser of stores and runs. The CLI loads this module with
 * `await import()` only on an interactive terminal, so headless commands never load Ink or React.
 */
import { render, useApp } from 'ink';
import { useCallback } from 'react';
import { App } from './app/App.js';
import type { Route } from './app/app-state.js';
import type { UiBackend } from './backend.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { holdConsole } from './hold-console.js';
import { FixedTerminalSize, type TerminalSize } from './common/terminal-size.js';
import { enterFullScreen } from './full-screen.js';
import { followTerminalSize, sizeOf } from './terminal-resize.js';

export interface BrowseOptions {
  backend: UiBackend;
  /** open this run (id) first; Esc then goes to the home screen */
  run?: string;
  /** @default process.stdout */
  stdout?: NodeJS.WriteStream;
  /** @default process.stdin */
  stdin?: NodeJS.ReadStream;
}

/** Frames per second at most; the data behind them changes a few times a second. */
const MAX_FPS = 15;

interface RootProps {
  backend: UiBackend;
  initial: Route[];
  /** the exit code the user chose, reported before the app unmounts */
  onCode: (code: number) => void;
}

function Root({ backend, initial, onCode }: RootProps) {
  const { exit } = useApp();
  const onExit = useCallback(
    (code: number) => {
      onCode(code);
      exit();
    },
    [onCode, exit],
  );
  return (
    <ErrorBoundary onError={exit}>
      <App backend={backend} initial={initial} onExit={onExit} />
    </ErrorBoundary>
  );
}

/**
 * Shows the UI until the user leaves; resolves with the exit code (0, or 130 after Ctrl-C or a
 * signal). The terminal is restored however it ends: the alternate screen left, the cursor shown,
 * console output written while the UI was up printed after it.
 */
export async function browse(options: BrowseOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const initial: Route[] =
    options.run === undefined
      ? [{ screen: 'home' }]
      : [{ screen: 'home' }, { screen: 'run', run: options.run }];
  let code = 0;
  const screen = enterFullScreen(stdout);
  const heldConsole = holdConsole();
  const onCode = (value: number) => {
    code = value;
  };
  const tree = (size: TerminalSize) => (
    <FixedTerminalSize size={size}>
      <Root backend={options.backend} initial={initial} onCode={onCode} />
    </FixedTerminalSize>
  );
  const instance = render(tree(sizeOf(stdout)), {
    stdout,
    stdin,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: MAX_FPS,
  });
  const stopFollowing = followTerminalSize(stdout, (size) => {
    screen.clear();
    instance.rerender(tree(size));
  });
  const onSignal = () => {
    code = 130;
    instance.unmount();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  try {
    await instance.waitUntilExit();
    return code;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    stopFollowing();
    screen.leave();
    heldConsole.release();
  }
}
