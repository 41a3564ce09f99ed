/** A store's manifest as lines for the store screen. Pure. */
import type { StoreDetail } from '../backend.js';
import { formatBytes } from '../../core/format-bytes.js';
import { formatCount } from '../format.js';
import type { DetailLine } from '../model/detail-lines.js';

const KEY_WIDTH = 20;

const pair = (key: string, value: string | number): DetailLine => ({
  text: `  ${key.padEnd(KEY_WIDTH)}${value}`,
});

function flat(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function manifestLines(store: StoreDetail): DetailLine[] {
  const { manifest, summary, split } = store;
  const lines: DetailLine[] = [
    { text: 'Store', heading: true },
    pair('id', manifest.id),
    pair('folder', summary.dir),
    pair('created', manifest.createdAt),
    pair('format version', manifest.formatVersion),
    pair('size on disk', formatBytes(summary.sizeBytes)),
    { text: 'Backbone', heading: true },
    pair('model', manifest.model.ref),
    pair('digest', manifest.model.digest),
    { text: 'Dataset', heading: true },
    pair('data', manifest.dataset.ref),
    pair('digest', manifest.dataset.digest),
    pair('records', formatCount(manifest.dataset.records)),
    pair(
      'split',
      `train ${formatCount(split.train)} · val ${formatCount(split.val)} · test ${formatCount(split.test)}`,
    ),
    pair('classes', `${manifest.dataset.classNames.length}: ${manifest.dataset.classNames.join(', ')}`),
    { text: 'Preprocessing', heading: true },
    ...Object.entries(manifest.preprocessing).map(([k, v]) => pair(k, flat(v))),
    pair('digest', manifest.preprocessingDigest),
    { text: 'Library versions', heading: true },
    ...Object.entries(manifest.libraryVersions).map(([k, v]) => pair(k, v)),
  ];
  return lines;
}
