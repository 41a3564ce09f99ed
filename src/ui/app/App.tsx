import { Box } from 'ink';
import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { RunFiles, RunFollower, UiBackend } from '../backend.js';
import { HelpOverlay } from '../common/HelpOverlay.js';
import { MIN_COLUMNS, MIN_ROWS, tooSmall } from '../common/layout.js';
import { useTerminalSize } from '../common/terminal-size.js';
import { TooSmall } from '../common/TooSmall.js';
import { HomeScreen } from '../home/HomeScreen.js';
import type { KeyScope } from '../keys.js';
import type { RunStateStore } from '../run-state-store.js';
import { StoreScreen } from '../store-detail/StoreScreen.js';
import { atRoot, currentRoute, initialAppState, reduceApp, type Route } from './app-state.js';
import { BackendContext } from './backend-context.js';
import { NavigationContext, type Navigation } from './navigation.js';
import { RunRoute } from './RunRoute.js';
import { KeyRouterContext, useKeyRouter, type KeyHandlers } from './use-keys.js';

/** The run this process launched, shown by `demo`, `train`, … on a terminal. */
export interface LiveRun {
  /** its id once train.start named it */
  runId: string;
  state: RunStateStore;
  files?: RunFiles;
}

export interface AppProps {
  /** stores and runs under the home; absent for a launched run's view */
  backend?: UiBackend;
  live?: LiveRun;
  initial: readonly Route[];
  /** `q` (0), Ctrl-C (130), or Esc on the first screen (0) */
  onExit: (code: number) => void;
  /** a launched run: Ctrl-C interrupts the run rather than leaving the view */
  onInterrupt?: () => void;
}

/** The run route id that stands for the launched run. */
export const LIVE_RUN = '';

function helpScopes(route: Route): KeyScope[] {
  if (route.screen === 'run' && route.model === undefined) return ['global', 'lists', 'run', 'steer'];
  if (route.screen === 'run') return ['global'];
  return ['global', 'lists'];
}

interface FollowedRunProps {
  backend: UiBackend;
  run: string;
  model?: string;
  width: number;
  height: number;
  active: boolean;
}

/** A run followed through its event log while its route is open (keyed by run id by the caller). */
function FollowedRun({ backend, run, ...rest }: FollowedRunProps) {
  const [follower] = useState<RunFollower>(() => backend.follow(run));
  useEffect(() => () => follower.close(), [follower]);
  return <RunRoute runId={run} state={follower.state} files={backend} {...rest} />;
}

/**
 * The terminal UI: a stack of screens (home, a run with its models, a store), the help overlay,
 * and a message instead of any screen while the terminal is too small.
 */
export function App({ backend, live, initial, onExit, onInterrupt }: AppProps) {
  const size = useTerminalSize();
  const keyRouter = useKeyRouter();
  const [state, dispatch] = useReducer(reduceApp, initial, initialAppState);
  const route = currentRoute(state);
  const small = tooSmall(size);
  const launched = live !== undefined;

  const navigation = useMemo<Navigation>(
    () => ({
      open: (to) => dispatch({ type: 'open', route: to }),
      openModel: (model) => dispatch({ type: 'openModel', model }),
      back: () => (atRoot(state) && !launched ? onExit(0) : dispatch({ type: 'back' })),
      quit: () => (launched ? undefined : onExit(0)),
      interrupt: () => (onInterrupt !== undefined ? onInterrupt() : onExit(130)),
      toggleHelp: () => dispatch({ type: 'help' }),
      canQuit: !launched,
    }),
    [state, launched, onExit, onInterrupt],
  );

  // Below the minimum size only leaving works.
  const tooSmallKeys = useRef<KeyHandlers>({});
  tooSmallKeys.current = {
    intent: (intent) => {
      if (intent === 'quit') navigation.quit();
      else if (intent === 'interrupt') navigation.interrupt();
    },
  };
  if (small) keyRouter.current = tooSmallKeys;

  // A hidden screen (help open, terminal too small) stays mounted, so it keeps its place.
  const width = Math.max(size.columns, MIN_COLUMNS);
  const height = Math.max(size.rows, MIN_ROWS) - 1;
  const active = !small && !state.help;
  const screenFor = (at: Route, focused: boolean) => {
    if (at.screen === 'run') {
      if (live !== undefined && at.run === LIVE_RUN) {
        return (
          <RunRoute
            runId={live.runId}
            state={live.state}
            files={live.files}
            model={at.model}
            width={width}
            height={height}
            active={focused}
            launched
            fill={at.model !== undefined}
          />
        );
      }
      return backend === undefined ? null : (
        <FollowedRun
          backend={backend}
          run={at.run}
          model={at.model}
          width={width}
          height={height}
          active={focused}
        />
      );
    }
    if (at.screen === 'store')
      return <StoreScreen storeId={at.store} width={width} height={height} active={focused} />;
    return <HomeScreen width={width} height={height} active={focused} />;
  };
  const top = state.stack.length - 1;
  const routeKey = (at: Route, i: number) =>
    `${i}:${at.screen}:${at.screen === 'run' ? at.run : at.screen === 'store' ? at.store : ''}`;

  return (
    <BackendContext.Provider value={backend}>
      <KeyRouterContext.Provider value={keyRouter}>
        <NavigationContext.Provider value={navigation}>
          <Box flexDirection="column" width={size.columns}>
            {small ? <TooSmall size={size} /> : null}
            {!small && state.help ? <HelpOverlay scopes={helpScopes(route)} height={height} /> : null}
            {state.stack.map((at, i) => (
              // Every screen of the stack stays mounted (hidden), so going back finds it as it was.
              <Box
                key={routeKey(at, i)}
                display={active && i === top ? 'flex' : 'none'}
                flexDirection="column"
              >
                {screenFor(at, active && i === top)}
              </Box>
            ))}
          </Box>
        </NavigationContext.Provider>
      </KeyRouterContext.Provider>
    </BackendContext.Provider>
  );
}
