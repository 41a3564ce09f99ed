/**
 * First Ctrl-C asks the running work to stop between batches/units (it then exits 130 with its
 * finished work saved); a second one exits at once. SIGTERM and SIGHUP (the terminal closed) stop
 * it the same way, so the run is recorded as interrupted rather than left looking alive.
 */
export function interruptSignal(onFirst: () => void = () => {}): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    onFirst();
    controller.abort();
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const name of signals) process.on(name, handler);
  return {
    signal: controller.signal,
    dispose() {
      for (const name of signals) process.off(name, handler);
    },
  };
}
