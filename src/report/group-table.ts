import type { GroupResults } from '../train/run-folder/group-results.js';
import { alignedTable, csvTable } from './text-table.js';

/** One row per data group of a grouped run, as `layerlab results RUN --by group` prints it. */
export interface GroupRow {
  group: string;
  /** the group's best layer and head, chosen on its own validation records */
  layer: string;
  model: string;
  head: string;
  val: number | null;
  test: number | null;
  /** the group's records: train + validation + test */
  records: number;
  /** the shared head's (the run's best ungrouped model's) test metric on the group's test records */
  sharedTest: number | null;
  /** true for a group skipped as smaller than the run's minimum (no model of its own) */
  skipped: boolean;
}

const total = (r: { train: number; val: number; test: number }) => r.train + r.val + r.test;

/** Trained groups in the store's order, then the skipped ones. */
export function groupRows(section: GroupResults): GroupRow[] {
  return [
    ...section.groups.map((g) => ({
      group: g.name,
      layer: g.best.layer,
      model: g.best.id,
      head: g.best.head,
      val: g.best.val,
      test: g.best.test,
      records: total(g.records),
      sharedTest: g.shared.test,
      skipped: false,
    })),
    ...section.skipped.map((g) => ({
      group: g.name,
      layer: '',
      model: '',
      head: '',
      val: null,
      test: null,
      records: total(g.records),
      sharedTest: null,
      skipped: true,
    })),
  ];
}

const percent = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)}%`);

/** A plain text table; skipped groups say so in place of a layer. */
export function formatGroupRows(rows: readonly GroupRow[], metric: string, minRecords: number): string {
  const header = ['group', 'best layer', 'head', `val ${metric}`, 'test', 'records', 'shared test'];
  const cells = rows.map((r) => [
    r.group,
    r.skipped ? `skipped (< ${minRecords} train records)` : r.layer,
    r.head,
    percent(r.val),
    percent(r.test),
    String(r.records),
    percent(r.sharedTest),
  ]);
  return alignedTable(header, cells, new Set([3, 4, 5, 6]));
}

/** RFC 4180 CSV with a header row. */
export function groupRowsCsv(rows: readonly GroupRow[]): string {
  const columns: (keyof GroupRow)[] = [
    'group',
    'layer',
    'model',
    'head',
    'val',
    'test',
    'records',
    'sharedTest',
    'skipped',
  ];
  return csvTable(rows, columns);
}
