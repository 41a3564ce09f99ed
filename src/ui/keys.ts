/**
 * Every key binding of the terminal UI, in one place: screens ask `intentOf` what a key press means
 * and the help overlay lists `bindings`, so the two can never disagree.
 */
import type { Key } from 'ink';

export type Intent =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'open'
  | 'back'
  | 'quit'
  | 'interrupt'
  | 'help'
  | 'filter'
  | 'sort'
  | 'metric'
  | 'nextPane'
  | 'stop'
  | 'resume'
  | 'clone'
  | 'add'
  | 'groups';

/** Which screens a binding belongs to, for the help overlay. */
export type KeyScope = 'global' | 'lists' | 'run' | 'steer';

export interface Binding {
  intent: Intent;
  /** as the help overlay shows them */
  keys: string;
  help: string;
  scope: KeyScope;
}

export const bindings: readonly Binding[] = [
  { intent: 'up', keys: '↑ k', help: 'move up', scope: 'global' },
  { intent: 'down', keys: '↓ j', help: 'move down', scope: 'global' },
  { intent: 'left', keys: '← h', help: 'move left / previous tab', scope: 'global' },
  { intent: 'right', keys: '→ l', help: 'move right / next tab', scope: 'global' },
  { intent: 'pageUp', keys: 'PgUp', help: 'page up', scope: 'global' },
  { intent: 'pageDown', keys: 'PgDn', help: 'page down', scope: 'global' },
  { intent: 'top', keys: 'Home g', help: 'first row', scope: 'global' },
  { intent: 'bottom', keys: 'End G', help: 'last row', scope: 'global' },
  { intent: 'open', keys: 'Enter', help: 'open the selected item', scope: 'global' },
  { intent: 'back', keys: 'Esc', help: 'back (closes help, filter, form)', scope: 'global' },
  { intent: 'quit', keys: 'q', help: 'quit', scope: 'global' },
  { intent: 'interrupt', keys: 'Ctrl-C', help: 'quit (a launched run: interrupt it)', scope: 'global' },
  { intent: 'help', keys: '?', help: 'this help', scope: 'global' },
  { intent: 'filter', keys: '/', help: 'filter rows (Enter keeps, Esc clears)', scope: 'lists' },
  { intent: 'sort', keys: 's', help: 'sort by the selected column (again: reverse)', scope: 'lists' },
  { intent: 'nextPane', keys: 'Tab', help: 'next section (stores, runs)', scope: 'lists' },
  { intent: 'metric', keys: 'm', help: 'next metric in the table', scope: 'run' },
  {
    intent: 'groups',
    keys: 'v',
    help: 'grouped runs: group × layer table (again: layer × head)',
    scope: 'run',
  },
  { intent: 'stop', keys: 'x', help: 'stop the selected config', scope: 'steer' },
  { intent: 'resume', keys: 'r', help: 'resume the selected config', scope: 'steer' },
  { intent: 'clone', keys: 'c', help: 'clone it with changed hyper-parameters', scope: 'steer' },
  { intent: 'add', keys: 'a', help: 'add a config on a layer', scope: 'steer' },
];

const characters: Partial<Record<string, Intent>> = {
  k: 'up',
  j: 'down',
  h: 'left',
  l: 'right',
  g: 'top',
  G: 'bottom',
  q: 'quit',
  '?': 'help',
  '/': 'filter',
  s: 'sort',
  m: 'metric',
  v: 'groups',
  x: 'stop',
  r: 'resume',
  c: 'clone',
  a: 'add',
};

/** What a key press means outside text entry; undefined for keys with no binding. */
export function intentOf(input: string, key: Key): Intent | undefined {
  if (key.ctrl && input === 'c') return 'interrupt';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageUp';
  if (key.pageDown) return 'pageDown';
  if (key.home) return 'top';
  if (key.end) return 'bottom';
  if (key.return) return 'open';
  if (key.escape) return 'back';
  if (key.tab) return 'nextPane';
  if (key.ctrl || key.meta) return undefined;
  return characters[input];
}

/** An edit to a text field: a typed character (or pasted text), a deletion, or the end of entry. */
export type TextEdit =
  | { kind: 'insert'; text: string }
  | { kind: 'delete' }
  | { kind: 'submit' }
  | { kind: 'cancel' }
  | { kind: 'next' }
  | { kind: 'previous' }
  | { kind: 'left' }
  | { kind: 'right' }
  | { kind: 'interrupt' };

/** What a key press means while a text field has the keyboard: every printable key is text. */
export function textEditOf(input: string, key: Key): TextEdit | undefined {
  if (key.ctrl && input === 'c') return { kind: 'interrupt' };
  if (key.return) return { kind: 'submit' };
  if (key.escape) return { kind: 'cancel' };
  if (key.backspace || key.delete) return { kind: 'delete' };
  if (key.tab) return { kind: key.shift ? 'previous' : 'next' };
  if (key.downArrow) return { kind: 'next' };
  if (key.upArrow) return { kind: 'previous' };
  if (key.leftArrow) return { kind: 'left' };
  if (key.rightArrow) return { kind: 'right' };
  if (key.ctrl || key.meta || input.length === 0) return undefined;
  // eslint-disable-next-line no-control-regex -- drop control characters from pasted text
  const text = input.replace(/[\u0000-\u001f\u007f]/g, '');
  return text.length > 0 ? { kind: 'insert', text } : undefined;
}

/** The bindings shown for a set of scopes, in table order. */
export function bindingsFor(scopes: readonly KeyScope[]): Binding[] {
  return bindings.filter((b) => scopes.includes(b.scope));
}
