import type { WorkerLine } from './host-agent.js';

/** A host agent's line as a person reads it (without `--json`). */
export function plainWorkerLine(line: WorkerLine): string {
  switch (line.type) {
    case 'worker.start':
      return `worker ${line.host}: ${line.workers} at a time from queue ${line.queue} at ${line.cluster} (layerlab ${line.version}); SIGTERM or Ctrl-C drains it`;
    case 'worker.unit':
      return line.ok
        ? `unit ${line.job} (${line.kind}) done in ${line.seconds.toFixed(3)} s`
        : `unit ${line.job} (${line.kind}) failed after ${line.seconds.toFixed(3)} s: ${line.error ?? 'unknown error'}`;
    case 'worker.stop':
      return `worker ${line.host} drained after ${line.units} units`;
  }
}
