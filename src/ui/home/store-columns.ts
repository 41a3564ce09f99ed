/** The feature stores list on the home screen. */
import type { StoreSummary } from '../backend.js';
import type { ColumnSpec } from '../common/columns.js';
import { formatBytes } from '../../core/format-bytes.js';
import { formatCount, formatShortDate } from '../format.js';
import { theme } from '../theme.js';

export const storeColumns: readonly ColumnSpec<StoreSummary>[] = [
  {
    id: 'backbone',
    title: 'backbone',
    width: 22,
    minWidth: 14,
    priority: 0,
    cell: (s) => (s.error === undefined ? { text: s.backbone } : { text: s.id, color: theme.error }),
    sortValue: (s) => s.backbone,
  },
  {
    id: 'dataset',
    title: 'dataset',
    width: 18,
    minWidth: 12,
    priority: 0,
    cell: (s) => (s.error === undefined ? { text: s.dataset } : { text: s.error, color: theme.error }),
    sortValue: (s) => s.dataset,
  },
  {
    id: 'layers',
    title: 'layers',
    width: 8,
    align: 'right',
    priority: 0,
    cell: (s) => ({ text: s.layers === s.featureSets ? `${s.layers}` : `${s.layers}/${s.featureSets}` }),
    sortValue: (s) => s.layers,
    descending: true,
  },
  {
    id: 'records',
    title: 'records',
    width: 10,
    align: 'right',
    priority: 0,
    cell: (s) => ({ text: formatCount(s.records) }),
    sortValue: (s) => s.records,
    descending: true,
  },
  {
    id: 'size',
    title: 'size',
    width: 9,
    align: 'right',
    priority: 0,
    cell: (s) => ({ text: formatBytes(s.sizeBytes) }),
    sortValue: (s) => s.sizeBytes,
    descending: true,
  },
  {
    id: 'created',
    title: 'created',
    width: 13,
    priority: 2,
    cell: (s) => ({ text: formatShortDate(s.createdAt) }),
    sortValue: (s) => s.createdAt,
    descending: true,
  },
  {
    id: 'id',
    title: 'store',
    width: 36,
    minWidth: 14,
    priority: 1,
    cell: (s) => ({ text: s.id, dim: true }),
    sortValue: (s) => s.id,
  },
];

/** Newest first. */
export const defaultStoreSort = { column: 'created', reversed: false };

export function storeFilterTexts(s: StoreSummary): string[] {
  return [s.id, s.backbone, s.dataset];
}
