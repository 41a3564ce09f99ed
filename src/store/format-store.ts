import { formatBytes } from '../core/format-bytes.js';
import type { StoreGroupsSummary } from './manifest.js';
import type { StoreSummary } from './store-catalog.js';
import type { StoreVerification } from './verify-store.js';

function table(header: string[], rows: string[][], indent = '  '): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const status = (s: StoreSummary['featureSets'][number]) =>
  s.temporary ? 'boundary' : s.complete ? 'complete' : 'incomplete';

/** `store ls`: one block per store, one row per feature set. */
export function formatStoreList(stores: readonly StoreSummary[], storesRoot: string): string {
  if (stores.length === 0) return `no stores under ${storesRoot}; \`layerlab extract\` creates them`;
  return stores
    .map((s) => {
      const head = `${s.id}  ${formatBytes(s.fileBytes)} on disk · ${s.manifest?.model.ref ?? '?'} on ${s.manifest?.dataset.ref ?? '?'} · ${s.records} records`;
      const rows = s.featureSets.map((f) => [
        f.layer,
        String(f.dims),
        f.dtype,
        formatBytes(f.bytes),
        status(f),
      ]);
      return [
        head,
        ...(rows.length
          ? table(['layer', 'dims', 'dtype', 'size', 'status'], rows)
          : ['  (no feature sets)']),
      ].join('\n');
    })
    .join('\n\n');
}

function describeGroups({ rule, groups, records }: StoreGroupsSummary): string {
  const by = rule.method === 'folder' ? 'by folder' : `by column ${rule.column}`;
  return `${groups} groups ${by}, ${records} records in one`;
}

/** `store info`: the manifest in readable lines, then the feature sets. */
export function formatStoreInfo(s: StoreSummary): string {
  const m = s.manifest;
  const lines = [`store ${s.store}`, `  on disk      ${formatBytes(s.fileBytes)}`];
  if (m) {
    lines.push(
      `  created      ${m.createdAt}${m.updatedAt ? ` (records updated ${m.updatedAt})` : ''}`,
      `  model        ${m.model.ref} (sha256 ${m.model.digest.slice(0, 16)}…)`,
      `  dataset      ${m.dataset.ref} (digest ${m.dataset.digest}), ${m.dataset.records} records, ${s.skipped} skipped`,
      `  classes      ${m.dataset.classNames.map((c, i) => `${i}=${c}`).join(' ')}`,
      `  split        ${m.dataset.split ? JSON.stringify(m.dataset.split) : '-'}`,
      ...(m.dataset.groups ? [`  groups       ${describeGroups(m.dataset.groups)}`] : []),
      `  preprocess   ${JSON.stringify(m.preprocessing)}`,
      `  libraries    ${Object.entries(m.libraryVersions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      `  format       ${m.formatVersion}`,
    );
  } else
    lines.push(
      '  no manifest: an extraction was stopped before writing anything; `layerlab store gc` removes it',
    );
  const rows = s.featureSets.map((f) => [
    f.layer,
    f.key,
    `[${(f.shape ?? []).join(', ')}]`,
    String(f.dims),
    f.dtype,
    `${f.records}`,
    `${f.batches}×${f.batchSize}`,
    formatBytes(f.bytes),
    status(f),
  ]);
  lines.push(
    '',
    ...table(['layer', 'key', 'shape', 'dims', 'dtype', 'records', 'batches', 'size', 'status'], rows, ''),
  );
  return lines.join('\n');
}

/** `store verify`: one line per feature set, then the verdict. */
export function formatVerification(v: StoreVerification): string {
  const rows = v.featureSets.map((f) => [
    f.layer,
    String(f.batches),
    f.bad.length === 0 ? 'ok' : `${f.bad.length} bad (first ${f.bad[0]})`,
    f.complete ? 'complete' : 'incomplete',
    f.digest,
  ]);
  return [
    ...table(['layer', 'batches', 'hashes', 'status', 'content digest'], rows, ''),
    ...v.problems.map((p) => `problem: ${p}`),
    v.ok
      ? `ok: every batch of ${v.featureSets.length} feature sets matches its hash`
      : `FAILED: ${v.problems.length} problems`,
  ].join('\n');
}
