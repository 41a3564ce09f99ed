/**
 * First Ctrl-C asks the running work to stop between batches/units (it then exits 130 with its
 * finished work saved); a second one exits at once.
 */
export function interruptSignal(onFirst: () => void = () => {}): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    onFirst();
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
