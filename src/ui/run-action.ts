import type { LayerlabEvent } from '../core/events.js';
import type { TrainingResult } from '../core/result.js';

/** The run ended with an error; the message is shown, the error itself is reported by the CLI. */
export interface RunFailedAction {
  type: 'failed';
  message: string;
}

/** The run was interrupted (Ctrl-C, or its process is gone); its finished work is saved. */
export interface RunInterruptedAction {
  type: 'interrupted';
  message: string;
}

/** A run with no result document (an extraction alone) ended successfully. */
export interface RunFinishedAction {
  type: 'finished';
}

/** A resident-memory sample of the run's process, taken by whoever watches it. */
export interface RunSampleAction {
  type: 'sample';
  rssMb: number;
}

/**
 * Everything the run-state reducer understands: the typed event stream, the final result document
 * (its `type: 'result'` already tells it apart, so an NDJSON stream can be replayed as it is), and
 * what only a watcher knows: how the run ended when it left no result, and memory samples.
 */
export type RunAction =
  | LayerlabEvent
  | TrainingResult
  | RunFailedAction
  | RunInterruptedAction
  | RunFinishedAction
  | RunSampleAction;
