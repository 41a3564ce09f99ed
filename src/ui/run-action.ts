import type { LayerlabEvent } from '../core/events.js';
import type { TrainingResult } from '../core/result.js';

/** The run ended with an error; the message is shown, the error itself is reported by the CLI. */
export interface RunFailedAction {
  type: 'failed';
  message: string;
}

/**
 * Everything the run-state reducer understands: the typed event stream, the final result document
 * (its `type: 'result'` already tells it apart, so an NDJSON stream can be replayed as it is), and
 * a failure, which only the UI needs.
 */
export type RunAction = LayerlabEvent | TrainingResult | RunFailedAction;
