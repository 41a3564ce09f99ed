import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { atRoot, currentRoute, initialAppState, reduceApp } from '../../src/ui/app/app-state.js';
import {
  fitColumns,
  matchesFilter,
  nextSort,
  sortRows,
  type ColumnSpec,
} from '../../src/ui/common/columns.js';
import { clampIndex, indexOfKey, moveIndex, scrollWindow, windowLabel } from '../../src/ui/common/cursor.js';
import { fit, truncate, truncateMiddle, wrapWords } from '../../src/ui/common/fit.js';
import { splitHeight, tooSmall } from '../../src/ui/common/layout.js';
import { initialListView, noFilter, reduceFilter, reduceListView } from '../../src/ui/common/list-view.js';
import { keyPresses } from '../../src/ui/key-presses.js';
import { bindings, intentOf, textEditOf } from '../../src/ui/keys.js';
import { helpLines } from '../../src/ui/common/help-lines.js';

const key = (flags: Partial<Key> = {}): Key => ({
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
  ...flags,
});

describe('fitting text into cells', () => {
  it('truncates with an ellipsis, keeps both ends of names, pads to the width', () => {
    expect(truncate('block2/pool', 6)).toBe('block…');
    expect(truncate('ok', 6)).toBe('ok');
    expect(truncate('abc', 0)).toBe('');
    expect(truncateMiddle('features/block3/conv/relu', 12)).toBe('featur…/relu');
    expect(fit('7', 4, 'right')).toBe('   7');
    expect(fit('layer', 3)).toBe('la…');
  });

  it('wraps labels on spaces into a few lines', () => {
    expect(wrapWords('lr=0.1 l2=1e-4', 8, 2)).toEqual(['lr=0.1', 'l2=1e-4']);
    expect(wrapWords('mlp lr=0.1 l2=1e-4 bs=32', 8, 2)).toEqual(['mlp', 'lr=0.1 …']);
    expect(wrapWords('a b c', 5, 3)).toEqual(['a b c']);
  });
});

describe('cursor and scrolling', () => {
  it('moves within bounds, by pages, to either end', () => {
    expect(moveIndex(0, 'up', 5, 2)).toBe(0);
    expect(moveIndex(0, 'pageDown', 5, 2)).toBe(2);
    expect(moveIndex(1, 'bottom', 5, 2)).toBe(4);
    expect(moveIndex(4, 'top', 5, 2)).toBe(0);
    expect(moveIndex(3, 'open', 5, 2)).toBe(3);
    expect(moveIndex(3, 'down', 0, 2)).toBe(0);
    expect(clampIndex(Number.NaN, 3)).toBe(0);
  });

  it('scrolls to keep the cursor in the middle, never past either end', () => {
    expect(scrollWindow(10, 0, 4)).toEqual({ start: 0, end: 4 });
    expect(scrollWindow(10, 5, 4)).toEqual({ start: 3, end: 7 });
    expect(scrollWindow(10, 9, 4)).toEqual({ start: 6, end: 10 });
    expect(scrollWindow(3, 2, 4)).toEqual({ start: 0, end: 3 });
    expect(windowLabel(10, 9, 4)).toBe('7–10 of 10');
    expect(windowLabel(3, 1, 4)).toBe('');
  });

  it('finds rows by key, falling back when the key is gone', () => {
    expect(indexOfKey(['a', 'b'], 'b')).toBe(1);
    expect(indexOfKey(['a', 'b'], 'z')).toBe(0);
    expect(indexOfKey([], undefined)).toBe(0);
  });
});

interface Row {
  name: string;
  score?: number;
}
const column = (
  id: string,
  width: number,
  priority: number,
  extra: Partial<ColumnSpec<Row>> = {},
): ColumnSpec<Row> => ({
  id,
  title: id,
  width,
  priority,
  cell: (r) => ({ text: r.name }),
  sortValue: (r) => (id === 'score' ? r.score : r.name),
  ...extra,
});

describe('list columns', () => {
  const specs = [
    column('name', 20, 0, { minWidth: 10 }),
    column('score', 8, 0, { descending: true }),
    column('extra', 20, 1),
  ];

  it('shrinks flexible columns, then drops low-priority ones, to fit the width', () => {
    expect(fitColumns(specs, 60).map((c) => [c.id, c.width])).toEqual([
      ['name', 20],
      ['score', 8],
      ['extra', 20],
    ]);
    expect(fitColumns(specs, 40).map((c) => [c.id, c.width])).toEqual([
      ['name', 10],
      ['score', 8],
      ['extra', 20],
    ]);
    expect(fitColumns(specs, 30).map((c) => [c.id, c.width])).toEqual([
      ['name', 20],
      ['score', 8],
    ]);
    expect(fitColumns(specs, 25).map((c) => [c.id, c.width])).toEqual([
      ['name', 15],
      ['score', 8],
    ]);
  });

  it('sorts stably in the column’s natural order; missing values last either way', () => {
    const rows: Row[] = [{ name: 'b', score: 1 }, { name: 'a' }, { name: 'c', score: 3 }];
    expect(sortRows(rows, specs[1], false).map((r) => r.name)).toEqual(['c', 'b', 'a']);
    expect(sortRows(rows, specs[1], true).map((r) => r.name)).toEqual(['b', 'c', 'a']);
    expect(sortRows(rows, specs[0], false).map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(sortRows(rows, undefined, false)).toEqual(rows);
    expect(nextSort({ column: 'a', reversed: false }, 'a')).toEqual({ column: 'a', reversed: true });
    expect(nextSort({ column: 'a', reversed: true }, 'b')).toEqual({ column: 'b', reversed: false });
    expect(matchesFilter(' Pool ', 'block2/pool')).toBe(true);
    expect(matchesFilter('x', undefined, 'abc')).toBe(false);
  });

  it('list view: cursor by key, column within bounds, sort by the selected column', () => {
    const context = { keys: ['r1', 'r2', 'r3'], columns: ['name', 'score'], page: 2 };
    let view = reduceListView(initialListView({ column: 'name', reversed: false }), 'pageDown', context);
    expect(view.cursor).toBe('r3');
    view = reduceListView(reduceListView(view, 'right', context), 'right', context);
    expect(view.column).toBe(1);
    view = reduceListView(view, 'sort', context);
    expect(view.sort).toEqual({ column: 'score', reversed: false });
    expect(reduceListView(view, 'help', context)).toBe(view);
  });

  it('filter: typing, deleting, Enter keeps, Esc clears', () => {
    let filter = reduceFilter({ text: '', editing: true }, { kind: 'insert', text: 'ab' });
    filter = reduceFilter(filter, { kind: 'delete' });
    expect(reduceFilter(filter, { kind: 'submit' })).toEqual({ text: 'a', editing: false });
    expect(reduceFilter(filter, { kind: 'cancel' })).toEqual(noFilter);
  });
});

describe('layout', () => {
  it('is too small below 72×18', () => {
    expect(tooSmall({ columns: 60, rows: 15 })).toBe(true);
    expect(tooSmall({ columns: 72, rows: 17 })).toBe(true);
    expect(tooSmall({ columns: 72, rows: 18 })).toBe(false);
  });

  it('splits lines between two lists: both whole when they fit, else a third to the first', () => {
    expect(splitHeight(20, 3, 5)).toEqual({ first: 3, second: 17 });
    expect(splitHeight(12, 10, 30)).toEqual({ first: 4, second: 8 });
    expect(splitHeight(3, 10, 30)).toEqual({ first: 2, second: 1 });
  });
});

describe('keys', () => {
  it('arrows and hjkl move, Enter opens, Esc goes back, q quits, Ctrl-C interrupts', () => {
    expect(intentOf('', key({ upArrow: true }))).toBe('up');
    expect(intentOf('j', key())).toBe('down');
    expect(intentOf('h', key())).toBe('left');
    expect(intentOf('', key({ return: true }))).toBe('open');
    expect(intentOf('', key({ escape: true, meta: true }))).toBe('back');
    expect(intentOf('q', key())).toBe('quit');
    expect(intentOf('c', key({ ctrl: true }))).toBe('interrupt');
    expect(intentOf('x', key({ meta: true }))).toBeUndefined();
    expect(intentOf('z', key())).toBeUndefined();
  });

  it('in a text field every printable key is text', () => {
    expect(textEditOf('q', key())).toEqual({ kind: 'insert', text: 'q' });
    expect(textEditOf('a\u0007b', key())).toEqual({ kind: 'insert', text: 'ab' });
    expect(textEditOf('', key({ backspace: true }))).toEqual({ kind: 'delete' });
    expect(textEditOf('', key({ tab: true, shift: true }))).toEqual({ kind: 'previous' });
    expect(textEditOf('', key({ escape: true }))).toEqual({ kind: 'cancel' });
    expect(textEditOf('c', key({ ctrl: true }))).toEqual({ kind: 'interrupt' });
  });

  it('keys that arrive together are single presses, control characters included', () => {
    expect(keyPresses('j', key())).toEqual([['j', key()]]);
    expect(keyPresses('', key({ upArrow: true }))).toEqual([['', key({ upArrow: true })]]);
    expect(keyPresses('0.5\r', key())).toEqual([
      ['0', key()],
      ['.', key()],
      ['5', key()],
      ['', key({ return: true })],
    ]);
    expect(keyPresses('\t\u007f\u0003', key()).map(([, k]) => [k.tab, k.backspace, k.ctrl])).toEqual([
      [true, false, false],
      [false, true, false],
      [false, false, true],
    ]);
  });

  it('the help overlay lists every binding of its scopes, and the marks', () => {
    const lines = helpLines(['global', 'lists', 'run', 'steer']);
    const listed = lines.filter((l) => 'keys' in l).map((l) => ('keys' in l ? l.keys : ''));
    for (const b of bindings) expect(listed).toContain(b.keys);
    expect(lines.some((l) => 'heading' in l && l.heading === 'Marks')).toBe(true);
    expect(helpLines(['global']).some((l) => 'keys' in l && l.keys === 'x')).toBe(false);
  });
});

describe('navigation', () => {
  it('pushes routes, opens a model inside its run, and pops back to the first screen', () => {
    let state = initialAppState([]);
    expect(currentRoute(state)).toEqual({ screen: 'home' });
    state = reduceApp(state, { type: 'open', route: { screen: 'run', run: 'r1' } });
    state = reduceApp(state, { type: 'openModel', model: 'm3' });
    expect(currentRoute(state)).toEqual({ screen: 'run', run: 'r1', model: 'm3' });
    expect(reduceApp(initialAppState([]), { type: 'openModel', model: 'm3' }).stack).toEqual([
      { screen: 'home' },
    ]);
    state = reduceApp(state, { type: 'help' });
    state = reduceApp(state, { type: 'back' });
    expect(state.help).toBe(false);
    state = reduceApp(state, { type: 'back' });
    expect(currentRoute(state)).toEqual({ screen: 'run', run: 'r1' });
    expect(atRoot(state)).toBe(false);
    state = reduceApp(state, { type: 'back' });
    expect(atRoot(state)).toBe(true);
    expect(reduceApp(state, { type: 'back' })).toBe(state);
    expect(atRoot(initialAppState([{ screen: 'run', run: 'r', model: 'm' }]))).toBe(false);
  });
});
