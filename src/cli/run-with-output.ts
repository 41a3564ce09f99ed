import type { EventSink } from '../core/events.js';
import type { HomeLayout } from '../core/paths.js';
import type { TrainingResult } from '../core/result.js';
import { interruptSignal } from './interrupt.js';
import { jsonLines } from './json-lines.js';
import type { OutputMode } from './output-mode.js';

export interface RunPresentation {
  mode: OutputMode;
  title: string;
  model: string;
  dataset: string;
  /** the feature store the run reads, when known before its first event */
  store?: string;
  /** where the run is recorded: lets the terminal view read its files and steer it */
  home?: HomeLayout;
}

/**
 * Runs a long command under one of the three presentations: the Ink live view (imported lazily, only
 * on a terminal), plain progress lines on stderr with the result table on stdout, or NDJSON events
 * with a final `result` line. Ctrl-C stops the work between batches/units (exit 130).
 */
export async function runWithOutput(
  presentation: RunPresentation,
  work: (sink: EventSink, signal: AbortSignal) => Promise<TrainingResult>,
): Promise<TrainingResult> {
  const interrupt = interruptSignal();
  try {
    if (presentation.mode === 'json') {
      const out = jsonLines();
      const result = await work(out.sink, interrupt.signal);
      out.result(result);
      return result;
    }
    if (presentation.mode === 'plain') {
      // loaded here, not at the top: train, demo and sweep import this module to register, and
      // their --help and usage errors must not load the printer (start-up time)
      const { createPlainPrinter, formatLayerTable } = await import('../ui/plain-output.js');
      const result = await work(
        createPlainPrinter((line) => process.stderr.write(`${line}\n`)),
        interrupt.signal,
      );
      process.stdout.write(`${formatLayerTable(result)}\n`);
      return result;
    }
    const { startLiveView } = await import('../ui/live-view.js');
    const files =
      presentation.home === undefined
        ? undefined
        : (await import('./ui-data/ui-backend.js')).createUiBackend(presentation.home);
    const view = startLiveView({
      title: presentation.title,
      model: presentation.model,
      dataset: presentation.dataset,
      ...(presentation.store === undefined ? {} : { store: presentation.store }),
      ...(files === undefined ? {} : { files }),
    });
    try {
      const result = await work(view.sink, interrupt.signal);
      await view.finish(result);
      return result;
    } catch (error) {
      await view.fail(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  } finally {
    interrupt.dispose();
  }
}
