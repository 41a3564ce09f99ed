/**
 * Splitting what the terminal delivered at once into single key presses. Keys typed fast, held
 * down, or sent by a script arrive as one string (`jjj`, `0.05\r`), which Ink hands over whole, as
 * if pasted; the UI treats every character as its own press, so `0.05` then Enter is an edit and
 * a submit, and `jjj` moves three rows. Pure.
 */
import type { Key } from 'ink';

const none: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** The key a control character stands for, or plain text. */
function pressOf(char: string): [string, Key] {
  switch (char) {
    case '\r':
    case '\n':
      return ['', { ...none, return: true }];
    case '\t':
      return ['', { ...none, tab: true }];
    case '\u007F':
    case '\b':
      return ['', { ...none, backspace: true }];
    case '\u0003':
      return ['c', { ...none, ctrl: true }];
    default:
      return [char, none];
  }
}

function special(key: Key): boolean {
  return (Object.keys(none) as (keyof Key)[]).some((name) => name !== 'shift' && key[name] === true);
}

export function keyPresses(input: string, key: Key): [string, Key][] {
  if (input.length <= 1 || special(key)) return [[input, key]];
  return [...input].map(pressOf);
}
