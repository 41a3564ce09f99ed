import type { EventSink } from '../core/events.js';

/** `--json` for long commands: one event object per line on stdout, then the result line. */
export function jsonLines(stdout: NodeJS.WritableStream = process.stdout): {
  sink: EventSink;
  result(doc: object): void;
} {
  return {
    sink: (event) => stdout.write(`${JSON.stringify(event)}\n`),
    result: (doc) => stdout.write(`${JSON.stringify(doc)}\n`),
  };
}
