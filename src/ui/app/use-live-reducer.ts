import { useReducer, useRef } from 'react';

/**
 * `useReducer` whose latest state can also be read synchronously: key handlers run before React
 * re-renders, so the second of two keys that arrive together must see what the first one did
 * (`/` opens the filter, the next key is text).
 */
export function useLiveReducer<S, A>(
  reducer: (state: S, action: A) => S,
  initial: () => S,
): [S, (action: A) => void, () => S] {
  const state = useRef<S | undefined>(undefined);
  state.current ??= initial();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const dispatch = (action: A) => {
    const next = reducer(state.current as S, action);
    if (next === state.current) return;
    state.current = next;
    rerender();
  };
  return [state.current, dispatch, () => state.current as S];
}
