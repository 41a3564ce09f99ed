/** The home screen's view state: which list has the keyboard, each list's cursor and sort, the filter. */
import { defaultRunSort } from './run-columns.js';
import { defaultStoreSort } from './store-columns.js';
import type { Intent, TextEdit } from '../keys.js';
import {
  initialListView,
  noFilter,
  reduceFilter,
  reduceListView,
  type FilterState,
  type ListContext,
  type ListView,
} from '../common/list-view.js';

export type HomePane = 'stores' | 'runs';

export interface HomeView {
  pane: HomePane;
  stores: ListView;
  runs: ListView;
  filter: FilterState;
}

export type HomeViewAction =
  { type: 'intent'; intent: Intent; context: ListContext } | { type: 'text'; edit: TextEdit };

/** Runs have the keyboard first: they are what people come back for. */
export function initialHomeView(): HomeView {
  return {
    pane: 'runs',
    stores: initialListView(defaultStoreSort),
    runs: initialListView(defaultRunSort),
    filter: noFilter,
  };
}

export function reduceHomeView(view: HomeView, action: HomeViewAction): HomeView {
  if (action.type === 'text') return { ...view, filter: reduceFilter(view.filter, action.edit) };
  const { intent, context } = action;
  switch (intent) {
    case 'nextPane':
      return { ...view, pane: view.pane === 'runs' ? 'stores' : 'runs' };
    case 'filter':
      return { ...view, filter: { ...view.filter, editing: true } };
    case 'back':
      return view.filter.text === '' ? view : { ...view, filter: noFilter };
    default:
      return { ...view, [view.pane]: reduceListView(view[view.pane], intent, context) };
  }
}
