import { useInput, type Key } from 'ink';
import { createContext, useContext, useRef, type MutableRefObject } from 'react';
import { keyPresses } from '../key-presses.js';
import { intentOf, textEditOf, type Intent, type TextEdit } from '../keys.js';

export interface KeyHandlers {
  /** bound keys, outside text entry */
  intent?: (intent: Intent) => void;
  /** text entry: every printable key is text */
  text?: (edit: TextEdit) => void;
  /** asked at every key press: does a text field have the keyboard now? @default true when `text` is set */
  textMode?: () => boolean;
}

/**
 * Keys that arrive together are handled one by one, each in the mode the previous one left
 * (see `useLiveReducer`).
 */
function handleKeys(handlers: KeyHandlers | undefined, input: string, key: Key): void {
  for (const [press, pressKey] of keyPresses(input, key)) {
    if (handlers === undefined) return;
    const { intent, text, textMode } = handlers;
    if (text !== undefined && (textMode?.() ?? true)) {
      const edit = textEditOf(press, pressKey);
      if (edit !== undefined) text(edit);
      continue;
    }
    const meant = intentOf(press, pressKey);
    if (meant !== undefined) intent?.(meant);
  }
}

/**
 * Where the app's one keyboard listener sends keys: the handlers of the active component rendered
 * last. Claimed during render, so the screen just opened has the keyboard from its first frame on
 * (a listener subscribed in an effect would leave the previous screen listening until effects run).
 */
export type KeyRouter = MutableRefObject<MutableRefObject<KeyHandlers> | undefined>;

export const KeyRouterContext = createContext<KeyRouter | undefined>(undefined);

/** The app's single keyboard listener: raw mode stays on while the app runs, whatever screen shows. */
export function useKeyRouter(): KeyRouter {
  const router: KeyRouter = useRef(undefined);
  useInput((input, key) => handleKeys(router.current?.current, input, key));
  return router;
}

/**
 * The one way screens read the keyboard, so every screen means the same by the same key. Inside the
 * app the router delivers keys; a component rendered on its own (in a test) listens itself.
 */
export function useKeys(handlers: KeyHandlers, active = true): void {
  const router = useContext(KeyRouterContext);
  const latest = useRef(handlers);
  latest.current = handlers;
  if (router !== undefined && active) router.current = latest;
  useInput((input, key) => handleKeys(latest.current, input, key), {
    isActive: active && router === undefined,
  });
}
