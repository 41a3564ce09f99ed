/** The runs list on the home screen: one row per run, its status, progress and best metric so far. */
import type { RunListing } from '../backend.js';
import { blockBar } from '../bar-glyphs.js';
import type { ColumnSpec } from '../common/columns.js';
import { formatPercent, formatShortDate } from '../format.js';
import { summarizeLayers } from '../layer-summary.js';
import { currentEpoch, extractionFraction, trainingFraction } from '../progress.js';
import type { RunState } from '../run-state.js';
import { marks, theme } from '../theme.js';

export interface RunProgress {
  fraction: number;
  label: string;
}

/** How far a run got: extraction, then training epochs. */
export function runProgress(state: RunState): RunProgress {
  const { training, extraction } = state;
  if (state.phase === 'done') return { fraction: 1, label: `${training.epochsDone} epochs` };
  if (training.status !== 'pending') {
    return {
      fraction: trainingFraction(training),
      label: `epoch ${currentEpoch(training)}/${training.epochs}`,
    };
  }
  if (extraction.status !== 'pending') {
    const fraction = extractionFraction(extraction);
    return { fraction, label: `extract ${formatPercent(fraction, 0)}` };
  }
  return { fraction: 0, label: 'starting' };
}

export type RunStatusLabel = 'running' | 'done' | 'failed' | 'interrupted' | 'stale';

export function runStatus(listing: RunListing): RunStatusLabel {
  return listing.stale ? 'stale' : listing.meta.status;
}

const statusLook: Record<RunStatusLabel, { mark: string; color: string; order: number }> = {
  running: { mark: marks.running, color: theme.accent, order: 0 },
  stale: { mark: '?', color: theme.warn, order: 1 },
  interrupted: { mark: marks.interrupted, color: theme.warn, order: 2 },
  failed: { mark: marks.failed, color: theme.error, order: 3 },
  done: { mark: marks.done, color: theme.best, order: 4 },
};

/** The best layer so far and its metric, from the live models or the final result. */
export function runBest(state: RunState): { layer: string; value: number } | undefined {
  const { rows, bestIndex } = summarizeLayers(state);
  const row = rows[bestIndex];
  return row?.value === undefined ? undefined : { layer: row.layer, value: row.value };
}

const PROGRESS_BAR = 5;

export const runColumns: readonly ColumnSpec<RunListing>[] = [
  {
    id: 'run',
    title: 'run',
    // never shortened: runs of one day differ only at the end of their ids
    width: 26,
    priority: 0,
    cell: (r) => ({ text: r.meta.id, bold: r.meta.status === 'running' && !r.stale }),
    sortValue: (r) => r.meta.id,
  },
  {
    id: 'status',
    title: 'status',
    width: 15,
    priority: 0,
    cell: (r) => {
      const status = runStatus(r);
      return { text: `${statusLook[status].mark} ${status}`, color: statusLook[status].color };
    },
    sortValue: (r) => statusLook[runStatus(r)].order,
  },
  {
    id: 'progress',
    title: 'progress',
    width: 22,
    priority: 5,
    cell: (r) => {
      const { fraction, label } = runProgress(r.state);
      return { text: `${blockBar(fraction, PROGRESS_BAR).padEnd(PROGRESS_BAR)} ${label}` };
    },
    sortValue: (r) => runProgress(r.state).fraction,
    descending: true,
  },
  {
    id: 'best',
    title: 'best',
    width: 8,
    align: 'right',
    priority: 0,
    cell: (r) => ({ text: formatPercent(runBest(r.state)?.value), color: theme.best }),
    sortValue: (r) => runBest(r.state)?.value,
    descending: true,
  },
  {
    id: 'layer',
    title: 'best layer',
    width: 14,
    priority: 3,
    cell: (r) => ({ text: runBest(r.state)?.layer ?? '' }),
    sortValue: (r) => runBest(r.state)?.layer,
  },
  {
    id: 'command',
    title: 'cmd',
    width: 8,
    priority: 2,
    cell: (r) => ({ text: r.meta.command }),
    sortValue: (r) => r.meta.command,
  },
  {
    id: 'data',
    title: 'model · data',
    width: 36,
    minWidth: 20,
    priority: 1,
    cell: (r) => ({ text: `${r.meta.model} · ${r.meta.data}`, dim: true }),
    sortValue: (r) => `${r.meta.model} ${r.meta.data}`,
  },
  {
    id: 'started',
    title: 'started',
    width: 13,
    priority: 4,
    cell: (r) => ({ text: formatShortDate(r.meta.startedAt) }),
    sortValue: (r) => r.meta.startedAt,
    descending: true,
  },
];

/** Newest first, as the home screen opens. */
export const defaultRunSort = { column: 'started', reversed: false };

export function runFilterTexts(r: RunListing): string[] {
  return [r.meta.id, r.meta.command, runStatus(r), r.meta.model, r.meta.data, runBest(r.state)?.layer ?? ''];
}
