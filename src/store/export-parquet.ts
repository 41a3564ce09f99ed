import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LayerlabError } from '../core/errors.js';
import type { ExportSummary } from './export-features.js';
import type { FeatureStore } from './feature-store.js';
import { resolveView, type FeatureView } from './feature-view.js';
import { writeParquet, type ParquetColumn } from './parquet-writer.js';

export interface ParquetExportOptions {
  /** one stored view (default: every feature set of the store, one file each) */
  layer?: string;
  /** a derived view, e.g. `sum(last:4)` */
  view?: string;
  /** one table, `features.parquet`, with a `FLOAT[]` column per feature set */
  all?: boolean;
  out: string;
}

/** A file name for a view name (`block2/relu@grid:2` → `block2_relu@grid_2.parquet`). */
export const parquetFileOf = (layer: string) => `${layer.replace(/[^A-Za-z0-9@._-]+/g, '_')}.parquet`;

/**
 * Writes feature views as Parquet (DESIGN.md, "Feature export"): `id` (the record id), `label`
 * (int64 class id), `split` (uint8: 0 train, 1 val, 2 test) and the features as `FLOAT[]`, rows in
 * the dataset's canonical order with the values `.npy` export writes. One file per feature set, or
 * with `all` one table with a column per set; `meta.json` names the classes and the files.
 */
export async function exportParquet(
  store: FeatureStore,
  options: ParquetExportOptions,
): Promise<ExportSummary> {
  const manifest = store.manifest();
  if (!manifest)
    throw new LayerlabError(
      'BAD_DATA',
      `store ${store.dir} has no manifest; remove it with \`layerlab store gc\``,
    );
  const name = options.view ?? options.layer;
  const views: FeatureView[] = name
    ? [resolveView(store, name, options.view ? options.layer : undefined)]
    : store
        .featureSets()
        .filter((set) => set.complete !== false)
        .map((set) => resolveView(store, set.layer));
  if (views.length === 0)
    throw new LayerlabError(
      'NOT_FOUND',
      `store ${store.dir} holds no complete feature set; run \`layerlab extract\``,
    );
  const table = store.records();
  for (const view of views)
    if (view.sets[0]!.records !== table.ids.length)
      throw new LayerlabError(
        'BAD_DATA',
        `${view.name} covers ${view.sets[0]!.records} of ${table.ids.length} records; re-run \`layerlab extract\``,
      );
  const rows = store.canonicalRows({ withSkipped: false });
  const base: ParquetColumn[] = [
    { name: 'id', type: 'VARCHAR', value: (i) => table.ids[rows[i]!]! },
    { name: 'label', type: 'BIGINT', value: (i) => BigInt(table.labels[rows[i]!]!) },
    { name: 'split', type: 'UTINYINT', value: (i) => table.split[rows[i]!]! },
  ];
  const vector = (view: FeatureView, column: string): ParquetColumn => ({
    name: column,
    type: 'FLOAT[]',
    dims: view.dims,
    chunk: (start, count) => view.readRows(rows.subarray(start, start + count)),
  });
  const outputs = options.all
    ? [{ file: 'features.parquet', columns: [...base, ...views.map((v) => vector(v, v.name))] }]
    : views.map((v) => ({ file: parquetFileOf(v.name), columns: [...base, vector(v, 'features')] }));
  mkdirSync(options.out, { recursive: true });
  const temp = (file: string) => join(options.out, `.${file}.${process.pid}.part`);
  const files = [...outputs.map((o) => o.file), 'meta.json'];
  try {
    for (const output of outputs) await writeParquet(temp(output.file), rows.length, output.columns);
    const meta = {
      format: 'parquet',
      layers: views.map((v) => ({
        layer: v.name,
        dims: v.dims,
        file: options.all ? 'features.parquet' : parquetFileOf(v.name),
        column: options.all ? v.name : 'features',
        pooling: v.sets[0]!.pooling,
      })),
      labelNames: manifest.dataset.classNames,
      splits: { 0: 'train', 1: 'val', 2: 'test' },
      skipped: store.skipped().map(({ id, reason }) => ({ id, reason })),
      model: manifest.model,
      dataset: { ref: manifest.dataset.ref, digest: manifest.dataset.digest },
    };
    writeFileSync(temp('meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
    for (const file of files) renameSync(temp(file), join(options.out, file));
  } catch (error) {
    for (const file of files) rmSync(temp(file), { force: true });
    throw error;
  }
  return {
    out: options.out,
    files,
    layer: views.map((v) => v.name).join(','),
    rows: rows.length,
    dims: views.reduce((sum, v) => sum + v.dims, 0),
    skipped: store.skipped().length,
  };
}
