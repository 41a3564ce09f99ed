import type { EventSink } from '../core/events.js';

/**
 * Emits `extract.progress` at most every `intervalMs` (and always for the last record), with the
 * rate, ETA and RSS the UI and `--json` show. `done` counts records of work across every pass.
 */
export function progressReporter(
  sink: EventSink,
  total: number,
  intervalMs = 200,
  now: () => number = () => performance.now(),
): (done: number) => void {
  const started = now();
  let last = -Infinity;
  return (done) => {
    const at = now();
    if (done < total && at - last < intervalMs) return;
    last = at;
    const rate = done / Math.max((at - started) / 1000, 1e-6);
    sink({
      type: 'extract.progress',
      records: done,
      total,
      recordsPerSecond: rate,
      etaSeconds: rate > 0 ? (total - done) / rate : 0,
      rssMb: process.memoryUsage.rss() / 2 ** 20,
    });
  };
}
