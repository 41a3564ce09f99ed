import { useApp } from 'ink';
import { useEffect, useSyncExternalStore } from 'react';
import { ErrorBoundary } from './ErrorBoundary.js';
import type { RunStore } from './run-store.js';
import { RunView } from './RunView.js';

/** Connects the store to the view and ends the Ink app once the run is over. */
export function LiveApp({ store }: { store: RunStore }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { exit } = useApp();
  const over = state.phase === 'done' || state.phase === 'failed';
  useEffect(() => {
    if (!over) return;
    // One macrotask later: React flushes this effect before <Static>'s own re-render that drops the
    // lines it just printed, and Ink's final redraw on unmount would print those lines again.
    const timer = setImmediate(() => exit());
    return () => clearImmediate(timer);
  }, [over, exit]);
  return (
    <ErrorBoundary onError={exit}>
      <RunView state={state} />
    </ErrorBoundary>
  );
}
