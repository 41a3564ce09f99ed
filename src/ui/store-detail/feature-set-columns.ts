/** The feature sets table of the store screen. */
import type { FeatureSetView } from '../backend.js';
import type { ColumnSpec } from '../common/columns.js';
import { formatBytes } from '../../core/format-bytes.js';
import { formatCount, formatShortDate } from '../format.js';
import { marks, theme } from '../theme.js';

export const featureSetColumns: readonly ColumnSpec<FeatureSetView>[] = [
  {
    id: 'layer',
    title: 'feature set',
    width: 26,
    minWidth: 14,
    priority: 0,
    cell: (f) => ({ text: f.layer }),
    sortValue: (f) => f.layer,
  },
  {
    id: 'shape',
    title: 'shape',
    width: 14,
    align: 'right',
    priority: 0,
    cell: (f) => ({ text: `${formatCount(f.records)}×${f.dims}` }),
    sortValue: (f) => f.dims,
    descending: true,
  },
  {
    id: 'point',
    title: 'point shape',
    width: 16,
    priority: 5,
    cell: (f) => ({ text: f.shape === undefined ? '' : f.shape.map((d) => d ?? '?').join('×'), dim: true }),
    sortValue: (f) => f.shape?.map((d) => d ?? '?').join('×'),
  },
  {
    id: 'dtype',
    title: 'dtype',
    width: 9,
    priority: 0,
    cell: (f) => ({ text: f.dtype }),
    sortValue: (f) => f.dtype,
  },
  {
    id: 'size',
    title: 'size',
    width: 10,
    align: 'right',
    priority: 0,
    cell: (f) => ({ text: formatBytes(f.bytes) }),
    sortValue: (f) => f.bytes,
    descending: true,
  },
  {
    id: 'complete',
    title: 'state',
    width: 12,
    priority: 0,
    cell: (f) =>
      f.temporary === true
        ? { text: 'temporary', dim: true }
        : f.complete
          ? { text: `${marks.done} complete`, color: theme.best }
          : { text: 'partial', color: theme.warn },
    sortValue: (f) => (f.complete ? 1 : 0),
  },
  {
    id: 'pooling',
    title: 'pooling',
    width: 10,
    priority: 4,
    cell: (f) => ({ text: f.pooling }),
    sortValue: (f) => f.pooling,
  },
  {
    id: 'batches',
    title: 'batches',
    width: 12,
    align: 'right',
    priority: 3,
    cell: (f) => ({ text: `${f.batches}×${f.batchSize}` }),
    sortValue: (f) => f.batches,
    descending: true,
  },
  {
    id: 'created',
    title: 'created',
    width: 13,
    priority: 2,
    cell: (f) => ({ text: formatShortDate(f.completedAt ?? f.createdAt) }),
    sortValue: (f) => f.createdAt,
    descending: true,
  },
  {
    id: 'key',
    title: 'key',
    width: 24,
    priority: 1,
    cell: (f) => ({ text: f.key, dim: true }),
    sortValue: (f) => f.key,
  },
];

export const defaultFeatureSetSort = { column: 'created', reversed: true };
