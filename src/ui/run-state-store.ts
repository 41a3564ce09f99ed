/**
 * Holds the run state for the live view and coalesces updates: every action is reduced at once, but
 * subscribers (React) hear about it at most once per interval, so a burst of progress events costs
 * one re-render rather than one each.
 */
import type { RunAction } from './run-action.js';
import { reduceRunState, type RunState } from './run-state.js';

/** Schedules `run` after `ms`; returns a canceller. Injected so tests need no clock. */
export type Scheduler = (run: () => void, ms: number) => () => void;

export interface RunStateStore {
  dispatch: (action: RunAction) => void;
  /** the last published state: stable between notifications, as `useSyncExternalStore` requires */
  getState: () => RunState;
  subscribe: (listener: () => void) => () => void;
  /** publishes pending changes now and cancels the timer */
  flush: () => void;
}

export interface RunStateStoreOptions {
  /** @default 100 */
  intervalMs?: number;
  /** @default setTimeout */
  schedule?: Scheduler;
}

const timeoutScheduler: Scheduler = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

export function createRunStateStore(initial: RunState, options: RunStateStoreOptions = {}): RunStateStore {
  const intervalMs = options.intervalMs ?? 100;
  const schedule = options.schedule ?? timeoutScheduler;
  const listeners = new Set<() => void>();
  let current = initial;
  let published = initial;
  let cancel: (() => void) | undefined;

  const publish = (): void => {
    cancel?.();
    cancel = undefined;
    if (published === current) return;
    published = current;
    for (const listener of listeners) listener();
  };

  return {
    dispatch: (action) => {
      current = reduceRunState(current, action);
      cancel ??= schedule(publish, intervalMs);
    },
    getState: () => published,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush: publish,
  };
}
