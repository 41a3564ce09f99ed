/**
 * The run screen's view state: the selected cell (row by layer name, so it follows its layer when
 * live values re-sort the table), the sort, the metric shown, the filter and an open steering form.
 */
import { clampIndex, indexOfKey, moveIndex } from '../common/cursor.js';
import { noFilter, reduceFilter, type FilterState } from '../common/list-view.js';
import type { Intent, TextEdit } from '../keys.js';
import { depthOrder, type MatrixSort, type MetricId } from './results-matrix.js';
import { reduceSteerForm, type SteerForm } from './steer-form.js';

export interface RunView {
  layer?: string;
  column: number;
  sort: MatrixSort;
  /** undefined: the run's ranking metric */
  metric?: MetricId;
  filter: FilterState;
  form?: SteerForm;
  /** a grouped run shows its group × layer table instead of the layer × head one */
  groups?: boolean;
}

export interface RunViewContext {
  /** layers in display order */
  layers: readonly string[];
  /** column keys in display order: `layer`, `best`, then head labels */
  columns: readonly string[];
  metrics: readonly MetricId[];
  page: number;
}

export type RunViewAction =
  | { type: 'intent'; intent: Intent; context: RunViewContext }
  | { type: 'filter'; edit: TextEdit }
  | { type: 'form'; edit: TextEdit }
  | { type: 'openForm'; form: SteerForm }
  | { type: 'closeForm' };

export const initialRunView: RunView = { column: 0, sort: depthOrder, filter: noFilter };

export function reduceRunView(view: RunView, action: RunViewAction): RunView {
  switch (action.type) {
    case 'filter':
      return { ...view, filter: reduceFilter(view.filter, action.edit) };
    case 'form':
      return view.form === undefined ? view : { ...view, form: reduceSteerForm(view.form, action.edit) };
    case 'openForm':
      return { ...view, form: action.form };
    case 'closeForm':
      return { ...view, form: undefined };
    case 'intent':
      return onIntent(view, action.intent, action.context);
  }
}

function onIntent(view: RunView, intent: Intent, context: RunViewContext): RunView {
  const { layers, columns, metrics, page } = context;
  switch (intent) {
    case 'up':
    case 'down':
    case 'pageUp':
    case 'pageDown':
    case 'top':
    case 'bottom': {
      const index = moveIndex(indexOfKey(layers, view.layer), intent, layers.length, page);
      return { ...view, layer: layers[index] };
    }
    case 'left':
    case 'right':
      return { ...view, column: clampIndex(view.column + (intent === 'left' ? -1 : 1), columns.length) };
    case 'sort': {
      const column = columns[clampIndex(view.column, columns.length)];
      if (column === undefined) return view;
      const reversed = view.sort.column === column ? !view.sort.reversed : false;
      return { ...view, sort: { column, reversed } };
    }
    case 'groups':
      return { ...view, groups: !view.groups };
    case 'metric': {
      const at = metrics.indexOf(view.metric ?? metrics[0]!);
      return { ...view, metric: metrics[(at + 1) % Math.max(1, metrics.length)] };
    }
    case 'filter':
      return { ...view, filter: { ...view.filter, editing: true } };
    case 'back':
      return view.filter.text === '' ? view : { ...view, filter: noFilter };
    default:
      return view;
  }
}
