/**
 * The interactive run view. The CLI loads this module with `await import()` only when stdin and
 * stdout are TTYs and `--json` is off, so headless runs never load Ink or React.
 */
import { render } from 'ink';
import type { EventSink } from '../core/events.js';
import type { TrainingResult } from '../core/result.js';
import { LiveApp } from './LiveApp.js';
import type { RunFailedAction } from './run-action.js';
import { initialRunState } from './run-state.js';
import { createRunStore } from './run-store.js';

export interface LiveViewOptions {
  /** e.g. `"layerlab demo"` */
  title: string;
  model: string;
  dataset: string;
  /** @default process.stdout */
  stdout?: NodeJS.WriteStream;
  /** @default process.stdin */
  stdin?: NodeJS.ReadStream;
}

export interface LiveView {
  /** feed the run's events here; cheap to call often, renders are coalesced */
  sink: EventSink;
  /** shows the final result, then unmounts; resolves once the last frame is written */
  finish(result: TrainingResult): Promise<void>;
  /** shows the failure, then unmounts; the caller still reports the error and sets the exit code */
  fail(error: Error): Promise<void>;
}

/** Renders at most this often; the store already coalesces bursts of events to ~10 per second. */
const MAX_FPS = 15;

/** Mounts the live view. @example const view = startLiveView({ title: 'layerlab demo', model, dataset }); */
export function startLiveView(options: LiveViewOptions): LiveView {
  const store = createRunStore(initialRunState(options));
  const instance = render(<LiveApp store={store} />, {
    stdout: options.stdout ?? process.stdout,
    stdin: options.stdin ?? process.stdin,
    // The CLI owns SIGINT (cooperative cancellation, exit code 130) and console output.
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: MAX_FPS,
  });
  // Subscribe now: Ink only settles the exit promise for callers already waiting when it unmounts.
  const exited = instance.waitUntilExit();
  // A render error surfaces through finish()/fail(); until then it must not be an unhandled rejection.
  exited.catch(() => {});

  const end = async (action: TrainingResult | RunFailedAction): Promise<void> => {
    store.dispatch(action);
    store.flush();
    await exited;
  };
  return {
    sink: (event) => store.dispatch(event),
    finish: (result) => end(result),
    fail: (error) => end({ type: 'failed', message: error.message }),
  };
}
