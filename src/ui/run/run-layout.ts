/**
 * How the run screen spends the terminal's lines: title, progress and footer always; then the table
 * (at least a few rows), the steering panel, the rest of the table, worker activity, and the
 * per-layer chart last, shown only when all of it fits. Pure.
 */

export interface RunLayoutInput {
  height: number;
  /** layers in the table */
  layers: number;
  /** header lines of the table (head labels wrap) */
  tableHeaderLines: number;
  /** progress lines (extraction and training bars, wrapped) */
  progressLines: number;
  workerLines: number;
  /** steering panel: the form, or the recent commands */
  steerLines: number;
  /** a filter line above the footer */
  filterLine: boolean;
}

export interface RunLayout {
  tableRows: number;
  workers: boolean;
  chart: boolean;
}

/** Title and refs lines, the blank line and title above the table, the footer. */
const FIXED_LINES = 2 + 2 + 1;
const MIN_TABLE_ROWS = 3;

/** Chart title and blank line above it. */
const CHART_CHROME = 2;

export function runLayout(input: RunLayoutInput): RunLayout {
  let left =
    input.height - FIXED_LINES - input.progressLines - input.tableHeaderLines - (input.filterLine ? 1 : 0);
  const take = (wanted: number): number => {
    const got = Math.max(0, Math.min(wanted, left));
    left -= got;
    return got;
  };
  const firstRows = take(Math.min(MIN_TABLE_ROWS, input.layers));
  take(input.steerLines);
  const tableRows = firstRows + take(input.layers - firstRows);
  const workers = input.workerLines > 0 && left >= input.workerLines;
  if (workers) take(input.workerLines);
  const chart = input.layers > 0 && left >= input.layers + CHART_CHROME;
  return { tableRows: Math.max(1, tableRows), workers, chart };
}

/** Lines the worker cells take: as many cells of `cellWidth` per line as fit. */
export function workerLines(workers: number, width: number, cellWidth: number): number {
  if (workers <= 0) return 0;
  const perLine = Math.max(1, Math.floor(width / cellWidth));
  return Math.ceil(workers / perLine);
}
