/**
 * A list's view state: the selected row (by key, so it stays on the same item when rows re-sort or
 * a live update inserts one), the selected column and the sort. Pure.
 */
import type { Intent, TextEdit } from '../keys.js';
import { nextSort, type SortState } from './columns.js';
import { clampIndex, indexOfKey, moveIndex } from './cursor.js';

export interface ListView {
  cursor?: string;
  column: number;
  sort: SortState;
}

export interface ListContext {
  /** row keys in display order */
  keys: readonly string[];
  /** column ids in display order */
  columns: readonly string[];
  /** rows per page */
  page: number;
}

export function initialListView(sort: SortState): ListView {
  return { column: 0, sort };
}

/** The selected row's index in display order (the first row when the key is gone). */
export function cursorIndex(view: ListView, keys: readonly string[]): number {
  return indexOfKey(keys, view.cursor);
}

export function reduceListView(view: ListView, intent: Intent, context: ListContext): ListView {
  const { keys, columns, page } = context;
  switch (intent) {
    case 'up':
    case 'down':
    case 'pageUp':
    case 'pageDown':
    case 'top':
    case 'bottom':
      return { ...view, cursor: keys[moveIndex(cursorIndex(view, keys), intent, keys.length, page)] };
    case 'left':
    case 'right': {
      const column = clampIndex(view.column + (intent === 'left' ? -1 : 1), columns.length);
      return { ...view, column };
    }
    case 'sort': {
      const column = columns[clampIndex(view.column, columns.length)];
      return column === undefined ? view : { ...view, sort: nextSort(view.sort, column) };
    }
    default:
      return view;
  }
}

export interface FilterState {
  text: string;
  editing: boolean;
}

export const noFilter: FilterState = { text: '', editing: false };

/** `/` starts editing; Enter keeps the text, Esc clears it. */
export function reduceFilter(filter: FilterState, edit: TextEdit): FilterState {
  switch (edit.kind) {
    case 'insert':
      return { ...filter, text: filter.text + edit.text };
    case 'delete':
      return { ...filter, text: filter.text.slice(0, -1) };
    case 'submit':
      return { ...filter, editing: false };
    case 'cancel':
      return noFilter;
    default:
      return filter;
  }
}
