import type { TrainingResult } from '../core/result.js';
import { alignedTable, csvTable } from './text-table.js';

/** One row per model of a run, as `layerlab results` prints it. */
export interface ResultRow {
  run: string;
  model: string;
  layer: string;
  head: string;
  status: string;
  epochs: number;
  value: number;
  test: number | null;
  best: boolean;
}

/**
 * A model's status as people read it in a finished run: `active` in the outcome means it trained to
 * the last epoch (never stopped or halved), which reads as "still running". CSV and JSON keep the
 * stored value (the machine contract's enum).
 */
export const modelStatusText = (status: string): string => (status === 'active' ? 'finished' : status);

const percent = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)}%`);

/** A plain text table, best first, the run's best model marked with `*`. */
export function formatResultRows(rows: readonly ResultRow[], metric: TrainingResult['metric']): string {
  const header = ['', 'run', 'model', 'layer', 'head', 'status', 'epochs', `val ${metric}`, 'test acc'];
  const cells = rows.map((r) => [
    r.best ? '*' : '',
    r.run,
    r.model,
    r.layer,
    r.head,
    modelStatusText(r.status),
    String(r.epochs),
    percent(r.value),
    percent(r.test),
  ]);
  return alignedTable(header, cells, new Set([6, 7, 8]));
}

/** RFC 4180 CSV with a header row. */
export function resultRowsCsv(rows: readonly ResultRow[]): string {
  const columns: (keyof ResultRow)[] = [
    'run',
    'model',
    'layer',
    'head',
    'status',
    'epochs',
    'value',
    'test',
    'best',
  ];
  return csvTable(rows, columns);
}
