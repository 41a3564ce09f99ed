import { mkdirSync, renameSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { LayerlabError } from '../core/errors.js';
import type { FeatureStore } from './feature-store.js';
import { resolveView } from './feature-view.js';
import { NpyWriter, writeNpy } from './npy-writer.js';

export type ExportFormat = 'npy' | 'csv';

export interface ExportOptions {
  /** a stored view name, or the anchor of `view` */
  layer?: string;
  /** a derived view, e.g. `sum(last:4)` */
  view?: string;
  format: ExportFormat;
  out: string;
}

export interface ExportSummary {
  out: string;
  files: string[];
  layer: string;
  rows: number;
  dims: number;
  skipped: number;
}

/**
 * Creates the `--out` folder; returns the first folder it made (removed again if the export fails),
 * or undefined when it existed. What is in the way is one line naming the fix.
 */
function makeOutDir(out: string): string | undefined {
  try {
    return mkdirSync(out, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new LayerlabError(
        'IO',
        `--out ${out} is a file, not a folder; pass --out with a new or existing folder`,
      );
    if (code === 'ENOTDIR')
      throw new LayerlabError(
        'IO',
        `--out ${out} is inside a file, not a folder; pass --out with a writable folder`,
      );
    if (code === 'EACCES' || code === 'EPERM')
      throw new LayerlabError(
        'IO',
        `cannot create --out ${out} (${code}); pass --out with a writable folder`,
      );
    throw error;
  }
}

/** Rows read per chunk: bounded memory however big the set is. */
const CHUNK_ROWS = 4096;

/**
 * Writes a feature view for Python users (DESIGN.md, "Feature export"): features (float32), labels
 * (int64 class ids), split (uint8) and meta.json, one row per record in the dataset's canonical
 * order; records that failed to decode are left out and listed in meta.json. Files are written
 * under temporary names and renamed at the end, so a failed export leaves nothing half-written.
 */
export async function exportFeatures(store: FeatureStore, options: ExportOptions): Promise<ExportSummary> {
  const manifest = store.manifest();
  if (!manifest)
    throw new LayerlabError(
      'BAD_DATA',
      `store ${store.dir} has no manifest; remove it with \`layerlab store gc\``,
    );
  const name = options.view ?? options.layer;
  if (!name)
    throw new LayerlabError(
      'USAGE',
      'pass --layer NAME (or --view V); `layerlab store info STORE` lists them',
    );
  const view = resolveView(store, name, options.view ? options.layer : undefined);
  const table = store.records();
  const set = view.sets[0]!;
  if (table.ids.length !== set.records)
    throw new LayerlabError(
      'BAD_DATA',
      `${view.name} covers ${set.records} of ${table.ids.length} records; re-run \`layerlab extract\``,
    );
  const rows = store.canonicalRows({ withSkipped: false });
  const created = makeOutDir(options.out);
  const temp = (file: string) => join(options.out, `.${file}.${process.pid}.tmp`);
  const files =
    options.format === 'npy'
      ? ['features.npy', 'labels.npy', 'split.npy', 'meta.json']
      : ['features.csv', 'meta.json'];
  try {
    if (options.format === 'npy') {
      const writer = new NpyWriter(temp('features.npy'), '<f4', [rows.length, view.dims]);
      for (let start = 0; start < rows.length; start += CHUNK_ROWS)
        writer.write(view.readRows(rows.subarray(start, start + CHUNK_ROWS)));
      writer.close();
      writeNpy(
        temp('labels.npy'),
        '<i8',
        [rows.length],
        BigInt64Array.from(rows, (r) => BigInt(table.labels[r]!)),
      );
      writeNpy(
        temp('split.npy'),
        '|u1',
        [rows.length],
        Uint8Array.from(rows, (r) => table.split[r]!),
      );
    } else await writeCsv(temp('features.csv'), view.dims, rows, table, (chunk) => view.readRows(chunk));
    const skipped = store.skipped();
    const meta = {
      layer: view.name,
      pooling: set.pooling,
      dims: view.dims,
      dtype: 'float32',
      storedDtype: set.dtype,
      labelNames: manifest.dataset.classNames,
      ids: Array.from(rows, (r) => table.ids[r]!),
      splits: { 0: 'train', 1: 'val', 2: 'test' },
      ...(view.combine ? { derived: { combine: view.combine, layers: view.sets.map((s) => s.layer) } } : {}),
      skipped: skipped.map(({ id, reason }) => ({ id, reason })),
      model: manifest.model,
      dataset: { ref: manifest.dataset.ref, digest: manifest.dataset.digest },
      featureSets: view.sets.map((s) => s.key),
    };
    writeFileSync(temp('meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
    for (const file of files) renameSync(temp(file), join(options.out, file));
    return {
      out: options.out,
      files,
      layer: view.name,
      rows: rows.length,
      dims: view.dims,
      skipped: skipped.length,
    };
  } catch (error) {
    for (const file of files) rmSync(temp(file), { force: true });
    if (created !== undefined) rmSync(created, { recursive: true, force: true });
    throw error;
  }
}

const csvCell = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

async function writeCsv(
  path: string,
  dims: number,
  rows: Int32Array,
  table: ReturnType<FeatureStore['records']>,
  read: (rows: Int32Array) => Float32Array,
): Promise<void> {
  const stream = createWriteStream(path);
  const write = (text: string) =>
    stream.write(text) ? Promise.resolve() : new Promise<void>((resolve) => stream.once('drain', resolve));
  const header = ['id', 'label', 'split', ...Array.from({ length: dims }, (_, i) => `f${i}`)];
  await write(`${header.join(',')}\n`);
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const chunk = rows.subarray(start, start + CHUNK_ROWS);
    const values = read(chunk);
    const lines: string[] = [];
    chunk.forEach((row, i) => {
      const features = Array.from(values.subarray(i * dims, (i + 1) * dims), (v) => String(v));
      lines.push([csvCell(table.ids[row]!), table.labels[row], table.split[row], ...features].join(','));
    });
    await write(`${lines.join('\n')}\n`);
  }
  await new Promise<void>((resolve, reject) =>
    stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}
