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
  running.add(controller);
  return {
    signal: controller.signal,
    dispose() {
      for (const name of signals) process.off(name, handler);
      running.delete(controller);
    },
  };
}

/**
 * The interrupt signals of the work running now (one per long command). One set per process, not
 * per copy of this module: the front (dist/cli/front.cjs) and the full CLI each bundle one, and the
 * front's handler for a closed stdout must see the work the full CLI started.
 */
const running: Set<AbortController> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('layerlab.runningWork')
] ??= new Set<AbortController>()) as Set<AbortController>;

/**
 * Asks the running work to stop, as a first Ctrl-C does (its finished work saved, exit 130);
 * false when nothing is running. For a reader of stdout that went away: exiting at once would pull
 * the process from under worker threads inside native code (ONNX Runtime then aborts the process
 * with "terminate called after throwing an instance of 'Napi::Error'", exit 134).
 */
export function stopRunningWork(): boolean {
  for (const controller of running) controller.abort();
  return running.size > 0;
}
