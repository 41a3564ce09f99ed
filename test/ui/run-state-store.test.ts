import { describe, expect, it } from 'vitest';
import { createRunStateStore, type Scheduler } from '../../src/ui/run-state-store.js';
import { initialRunState } from '../../src/ui/run-state.js';
import { extractProgress, extractStart, header } from './run-fixture.js';

/** A scheduler the test fires by hand. */
function manualScheduler() {
  const pending = new Set<() => void>();
  const schedule: Scheduler = (run) => {
    pending.add(run);
    return () => pending.delete(run);
  };
  const fire = () => {
    for (const run of [...pending]) run();
  };
  return { schedule, fire, pending };
}

describe('createRunStateStore', () => {
  it('reduces every action at once but notifies once per interval', () => {
    const timer = manualScheduler();
    const store = createRunStateStore(initialRunState(header), { schedule: timer.schedule });
    let notified = 0;
    store.subscribe(() => notified++);

    store.dispatch(extractStart);
    store.dispatch(extractProgress);
    store.dispatch({ ...extractProgress, records: 900 });
    expect(timer.pending.size).toBe(1);
    expect(store.getState().phase).toBe('starting');
    expect(notified).toBe(0);

    timer.fire();
    expect(notified).toBe(1);
    expect(store.getState().extraction.records).toBe(900);
    expect(timer.pending.size).toBe(0);
  });

  it('keeps the snapshot stable between notifications and publishes on flush', () => {
    const timer = manualScheduler();
    const store = createRunStateStore(initialRunState(header), { schedule: timer.schedule });
    const first = store.getState();
    expect(store.getState()).toBe(first);
    store.dispatch(extractStart);
    store.flush();
    expect(store.getState()).not.toBe(first);
    expect(store.getState().phase).toBe('extracting');
    expect(timer.pending.size).toBe(0);
  });

  it('stops notifying a listener that unsubscribed', () => {
    const timer = manualScheduler();
    const store = createRunStateStore(initialRunState(header), { schedule: timer.schedule });
    let notified = 0;
    const unsubscribe = store.subscribe(() => notified++);
    unsubscribe();
    store.dispatch(extractStart);
    store.flush();
    expect(notified).toBe(0);
  });
});
