/**
 * The interactive run view of a launched run (`demo`, `extract`, `train`, `sweep` on a terminal).
 * The CLI loads this module with `await import()` only when stdin and stdout are TTYs and `--json`
 * is off, so headless runs never load Ink or React.
 */
import { render } from 'ink';
import { isLayerlabError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { TrainingResult } from '../core/result.js';
import type { RunFiles } from './backend.js';
import { FixedTerminalSize, type TerminalSize } from './common/terminal-size.js';
import { holdConsole } from './hold-console.js';
import { followTerminalSize, sizeOf } from './terminal-resize.js';
import { LiveApp } from './LiveApp.js';
import type { RunFailedAction, RunFinishedAction, RunInterruptedAction } from './run-action.js';
import { initialRunState } from './run-state.js';
import { createRunStateStore } from './run-state-store.js';

export interface LiveViewOptions {
  /** e.g. `"layerlab demo"` */
  title: string;
  model: string;
  dataset: string;
  /** the feature store, when known before the first event */
  store?: string;
  /** the run folder's files and steering queue: with them the view can steer the run it shows */
  files?: RunFiles;
  /** the interactive run screen while running; false for work that trains nothing @default true */
  interactive?: boolean;
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
  /** shows the failure (or the interruption), then unmounts; the caller still reports the error */
  fail(error: Error): Promise<void>;
  /** ends a run that has no result document (`extract`): the last frame shows what was done */
  end(): Promise<void>;
}

/** Renders at most this often; the store already coalesces bursts of events to ~10 per second. */
const MAX_FPS = 15;
/** How often this process's resident memory is shown anew. */
const RSS_SAMPLE_MS = 1000;

const megabytes = () => process.memoryUsage.rss() / (1024 * 1024);

/** Mounts the live view. @example const view = startLiveView({ title: 'layerlab demo', model, dataset }); */
export function startLiveView(options: LiveViewOptions): LiveView {
  const store = createRunStateStore(initialRunState(options));
  // The keyboard is the UI's (raw mode), so Ctrl-C arrives as a key: turn it back into the signal
  // the CLI's cooperative cancellation listens for.
  const onInterrupt = () => process.kill(process.pid, 'SIGINT');
  const heldConsole = holdConsole();
  const stdout = options.stdout ?? process.stdout;
  const tree = (size: TerminalSize) => (
    <FixedTerminalSize size={size}>
      <LiveApp
        store={store}
        files={options.files}
        onInterrupt={onInterrupt}
        interactive={options.interactive ?? true}
      />
    </FixedTerminalSize>
  );
  const instance = render(tree(sizeOf(stdout)), {
    stdout,
    stdin: options.stdin ?? process.stdin,
    // The CLI owns SIGINT (cooperative cancellation, exit code 130); console output is held.
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: MAX_FPS,
  });
  const stopFollowing = followTerminalSize(stdout, (size) => instance.rerender(tree(size)));
  const sampler = setInterval(() => store.dispatch({ type: 'sample', rssMb: megabytes() }), RSS_SAMPLE_MS);
  sampler.unref();
  // Subscribe now: Ink only settles the exit promise for callers already waiting when it unmounts.
  const exited = instance.waitUntilExit();
  // A render error surfaces through finish()/fail(); until then it must not be an unhandled rejection.
  exited.catch(() => {});

  const end = async (
    action: TrainingResult | RunFailedAction | RunInterruptedAction | RunFinishedAction,
  ): Promise<void> => {
    clearInterval(sampler);
    stopFollowing();
    store.dispatch(action);
    store.flush();
    try {
      await exited;
    } finally {
      heldConsole.release();
    }
  };
  return {
    sink: (event) => store.dispatch(event),
    finish: (result) => end(result),
    end: () => end({ type: 'finished' }),
    fail: (error) =>
      end(
        isLayerlabError(error) && error.code === 'INTERRUPTED'
          ? { type: 'interrupted', message: error.message }
          : { type: 'failed', message: error.message },
      ),
  };
}
