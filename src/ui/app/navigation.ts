import { createContext, useContext } from 'react';
import type { Route } from './app-state.js';

/** What screens ask of the app around them. */
export interface Navigation {
  open: (route: Route) => void;
  openModel: (model: string) => void;
  /** Esc with nothing local to close */
  back: () => void;
  quit: () => void;
  /** Ctrl-C */
  interrupt: () => void;
  toggleHelp: () => void;
  /** a launched run's view cannot be quit without stopping the run; `q` says so instead */
  canQuit: boolean;
}

const ignore = () => {};

export const NavigationContext = createContext<Navigation>({
  open: ignore,
  openModel: ignore,
  back: ignore,
  quit: ignore,
  interrupt: ignore,
  toggleHelp: ignore,
  canQuit: true,
});

export function useNavigation(): Navigation {
  return useContext(NavigationContext);
}
