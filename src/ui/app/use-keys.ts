import { useInput } from 'ink';
import { intentOf, textEditOf, type Intent, type TextEdit } from '../keys.js';

export interface KeyHandlers {
  /** bound keys, outside text entry */
  intent?: (intent: Intent) => void;
  /** set while a text field has the keyboard: every printable key is text then */
  text?: (edit: TextEdit) => void;
}

/**
 * The one way screens read the keyboard, so every screen means the same by the same key. Keys that
 * arrive together (typed fast, held down, or sent by a script) come as one string: outside text
 * entry each of its characters is a key press of its own.
 */
export function useKeys(handlers: KeyHandlers, active = true): void {
  useInput(
    (input, key) => {
      if (handlers.text !== undefined) {
        const edit = textEditOf(input, key);
        if (edit !== undefined) handlers.text(edit);
        return;
      }
      const presses = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
      for (const press of presses) {
        const intent = intentOf(press, key);
        if (intent !== undefined) handlers.intent?.(intent);
      }
    },
    { isActive: active },
  );
}
