import { createContext, useContext } from 'react';
import type { UiBackend } from '../backend.js';

export const BackendContext = createContext<UiBackend | undefined>(undefined);

export function useBackend(): UiBackend {
  const backend = useContext(BackendContext);
  if (backend === undefined) throw new Error('useBackend outside <BackendContext.Provider>');
  return backend;
}
