/**
 * Column specs for list tables: how a column looks, how it sorts, and which columns give way first
 * on a narrow terminal. Pure: screens turn rows into table cells with these.
 */
import type { TableCell, TableColumn } from './Table.js';

export type SortValue = number | string | undefined;

export interface ColumnSpec<Row> {
  id: string;
  title: string;
  /** preferred width, padding included */
  width: number;
  /** a flexible column shrinks to this before anything is dropped */
  minWidth?: number;
  align?: 'left' | 'right';
  /** columns with the lowest priority are dropped first on a narrow terminal; 0 is never dropped */
  priority: number;
  cell(row: Row): TableCell;
  /** what the column sorts by; missing values always sort last */
  sortValue(row: Row): SortValue;
  /** its natural order is largest first (dates, scores) */
  descending?: boolean;
}

export interface SortState {
  column: string;
  /** against the column's natural order */
  reversed: boolean;
}

/** Rows of the marker column the table draws before the cells. */
export const MARKER_WIDTH = 2;

/** Priority 0 (never dropped) is the most important of all. */
const importance = (c: { priority: number }) => (c.priority === 0 ? Infinity : c.priority);

/** The columns that fit in `width`, in their original order, flexible ones shrunk as needed. */
export function fitColumns<Row>(specs: readonly ColumnSpec<Row>[], width: number): ColumnSpec<Row>[] {
  const available = width - MARKER_WIDTH;
  let kept = [...specs];
  const total = () => kept.reduce((sum, c) => sum + c.width, 0);
  const slack = () => kept.reduce((sum, c) => sum + c.width - (c.minWidth ?? c.width), 0);
  while (total() - slack() > available) {
    const droppable = kept.filter((c) => c.priority > 0);
    if (droppable.length === 0) break;
    const lowest = droppable.reduce((a, b) => (b.priority < a.priority ? b : a));
    kept = kept.filter((c) => c !== lowest);
  }
  // Shrink the least important flexible columns first.
  let excess = total() - available;
  const cuts = new Map<ColumnSpec<Row>, number>();
  for (const c of [...kept].sort((a, b) => importance(a) - importance(b))) {
    if (excess <= 0 || c.minWidth === undefined) continue;
    const cut = Math.min(excess, c.width - c.minWidth);
    cuts.set(c, cut);
    excess -= cut;
  }
  return kept.map((c) => ({ ...c, width: c.width - (cuts.get(c) ?? 0) }));
}

export function tableColumns<Row>(specs: readonly ColumnSpec<Row>[], sort?: SortState): TableColumn[] {
  return specs.map((c) => ({
    id: c.id,
    header: [c.id === sort?.column ? `${c.title} ${sortArrow(c, sort)}` : c.title],
    width: c.width,
    align: c.align,
  }));
}

function sortArrow<Row>(spec: ColumnSpec<Row>, sort: SortState): string {
  const descending = (spec.descending ?? false) !== sort.reversed;
  return descending ? '↓' : '↑';
}

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** A stable sort by one column; rows without a value go last in either direction. */
export function sortRows<Row>(
  rows: readonly Row[],
  spec: ColumnSpec<Row> | undefined,
  reversed: boolean,
): Row[] {
  if (spec === undefined) return [...rows];
  const sign = (spec.descending ?? false) !== reversed ? -1 : 1;
  return rows
    .map((row, index) => ({ row, index, value: spec.sortValue(row) }))
    .sort((a, b) => {
      const missingA = a.value === undefined || (typeof a.value === 'number' && Number.isNaN(a.value));
      const missingB = b.value === undefined || (typeof b.value === 'number' && Number.isNaN(b.value));
      if (missingA !== missingB) return missingA ? 1 : -1;
      return (missingA ? 0 : sign * compareValues(a.value, b.value)) || a.index - b.index;
    })
    .map((entry) => entry.row);
}

/** Selecting the sorted column again reverses it; a new column starts in its natural order. */
export function nextSort(sort: SortState, column: string): SortState {
  return sort.column === column ? { column, reversed: !sort.reversed } : { column, reversed: false };
}

/** Case-insensitive substring match of any of the texts. */
export function matchesFilter(filter: string, ...texts: readonly (string | undefined)[]): boolean {
  const needle = filter.trim().toLowerCase();
  return needle === '' || texts.some((t) => t !== undefined && t.toLowerCase().includes(needle));
}
