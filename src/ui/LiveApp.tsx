import { useApp } from 'ink';
import { useEffect, useSyncExternalStore } from 'react';
import { App, LIVE_RUN } from './app/App.js';
import type { RunFiles } from './backend.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { LogLines } from './LogLines.js';
import { isOver } from './run-state.js';
import type { RunStateStore } from './run-state-store.js';
import { RunView } from './RunView.js';

export interface LiveAppProps {
  store: RunStateStore;
  /** the run folder's files and steering queue, when the caller knows the home */
  files?: RunFiles;
  /** Ctrl-C while the keyboard is the UI's (raw mode swallows the signal) */
  onInterrupt: () => void;
  /**
   * The interactive run screen (results table, keys) while the run goes on; false shows the compact
   * progress view instead, for work that trains nothing (`extract`). @default true
   */
  interactive?: boolean;
}

const ignoreExit = () => {};

/**
 * A launched run: its finished lines printed once above (static), the interactive run screen
 * below while it runs, and the compact summary as the last frame, left in the terminal.
 */
export function LiveApp({ store, files, onInterrupt, interactive = true }: LiveAppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { exit } = useApp();
  const over = isOver(state.phase);
  useEffect(() => {
    if (!over) return;
    // One macrotask later: React flushes this effect before <Static>'s own re-render that drops the
    // lines it just printed, and Ink's final redraw on unmount would print those lines again.
    const timer = setImmediate(() => exit());
    return () => clearImmediate(timer);
  }, [over, exit]);
  return (
    <ErrorBoundary onError={exit}>
      <LogLines lines={state.log} />
      {over || !interactive ? (
        <RunView state={state} log={false} />
      ) : (
        <App
          live={{ runId: state.training.run ?? LIVE_RUN, state: store, files }}
          initial={[{ screen: 'run', run: LIVE_RUN }]}
          onExit={ignoreExit}
          onInterrupt={onInterrupt}
        />
      )}
    </ErrorBoundary>
  );
}
