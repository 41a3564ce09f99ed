/**
 * Which screen is showing: a stack of routes (Enter pushes, Esc pops) and the help overlay. A run's
 * model detail is part of its route, so following a run survives opening and closing its models.
 */
export type Route =
  { screen: 'home' } | { screen: 'run'; run: string; model?: string } | { screen: 'store'; store: string };

export interface AppState {
  /** never empty: the bottom route is where Esc stops */
  stack: readonly Route[];
  help: boolean;
}

export type AppAction =
  | { type: 'open'; route: Route }
  | { type: 'openModel'; model: string }
  | { type: 'back' }
  | { type: 'help'; open?: boolean };

export function initialAppState(stack: readonly Route[]): AppState {
  return { stack: stack.length > 0 ? stack : [{ screen: 'home' }], help: false };
}

export function currentRoute(state: AppState): Route {
  return state.stack[state.stack.length - 1]!;
}

/** True when Esc has nowhere to go back to. */
export function atRoot(state: AppState): boolean {
  const route = currentRoute(state);
  return state.stack.length === 1 && !(route.screen === 'run' && route.model !== undefined);
}

export function reduceApp(state: AppState, action: AppAction): AppState {
  switch (action.type) {
    case 'open':
      return { ...state, stack: [...state.stack, action.route] };
    case 'openModel': {
      const route = currentRoute(state);
      if (route.screen !== 'run') return state;
      return { ...state, stack: [...state.stack.slice(0, -1), { ...route, model: action.model }] };
    }
    case 'back': {
      if (state.help) return { ...state, help: false };
      const route = currentRoute(state);
      if (route.screen === 'run' && route.model !== undefined) {
        return { ...state, stack: [...state.stack.slice(0, -1), { screen: 'run', run: route.run }] };
      }
      return state.stack.length > 1 ? { ...state, stack: state.stack.slice(0, -1) } : state;
    }
    case 'help':
      return { ...state, help: action.open ?? !state.help };
  }
}
