import { formatBytes } from '../core/format-bytes.js';
import type { ExtractResult } from './extract.js';
import type { ExtractionPlan } from './plan.js';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        i > 0 && /^[\d.,]+( [KMGT]?i?B| s)?$/.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `layerlab extract --plan`'s report: the plan, each stage, and the forecast. */
export function formatPlan(plan: ExtractionPlan): string {
  const { forecast } = plan;
  const lines = [
    `plan: ${plan.mode} — ${plan.reason}`,
    `batch size ${plan.batchSize} (${plan.batches} batches), ${plan.concurrency.ortThreads} ONNX Runtime threads, ` +
      `${plan.concurrency.decodeConcurrency} decodes in flight, ${plan.concurrency.prefetchBatches} batches read ahead`,
  ];
  if (plan.stages.length > 0) {
    lines.push(
      '',
      ...table(
        ['stage', 'from', 'layers', 'peak RAM', 'time'],
        plan.stages.map((s, i) => [
          String(i + 1),
          s.from,
          s.points.join(', '),
          formatBytes(s.peakBytes),
          s.seconds === undefined ? '-' : `${s.seconds.toFixed(1)} s`,
        ]),
      ),
    );
  }
  lines.push(
    '',
    `forecast: peak RAM ${formatBytes(forecast.peakBytes)} of a ${formatBytes(forecast.memoryBudgetBytes)} budget · ` +
      `store +${formatBytes(forecast.storeBytes)}` +
      (forecast.boundaryBytes > 0
        ? ` (+${formatBytes(forecast.boundaryBytes)} of stage boundaries while it runs)`
        : '') +
      (forecast.seconds === undefined ? '' : ` · ~${forecast.seconds.toFixed(1)} s`),
  );
  return lines.join('\n');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A set's status column: what happened to it (or, with `--plan`, what would). */
function statusText(set: ExtractResult['featureSets'][number], dryRun: boolean): string {
  const status = set.status ?? (set.reused ? 'stored' : 'computed');
  if (status === 'stored') return 'stored';
  const records = set.computedRecords ?? set.records;
  if (dryRun) return status === 'appended' ? `to append ${records}` : 'to compute';
  return status === 'appended' ? `appended ${records}` : status;
}

/** What the extraction did, in one clause: `appended 10 records to 3 feature sets, computed 1`. */
function whatHappened(result: ExtractResult): string {
  const total = result.featureSets.length;
  const count = (status: string) =>
    result.featureSets.filter((s) => (s.status ?? (s.reused ? 'stored' : 'computed')) === status).length;
  const appended = result.appended?.featureSets ?? 0;
  const parts: string[] = [];
  if (appended > 0)
    parts.push(
      `${result.dryRun ? 'would append' : 'appended'} ${plural(result.appended!.records, 'record')} to ${plural(appended, 'feature set')}`,
    );
  const resumed = count('resumed');
  if (resumed > 0)
    parts.push(`${result.dryRun ? 'would resume' : 'resumed'} ${plural(resumed, 'feature set')}`);
  const computed = count('computed');
  if (computed > 0) {
    const sets = parts.length === 0 ? `${computed} of ${plural(total, 'feature set')}` : String(computed);
    parts.push(result.dryRun ? `${sets} to compute` : `computed ${sets}`);
  }
  // `computed 2 of 6 feature sets` already says the other 4 were stored
  const stored = count('stored');
  if (stored > 0 && (appended > 0 || resumed > 0)) parts.push(`${stored} stored`);
  return parts.join(', ');
}

/** The plain-text result: one row per feature set, then a summary line. */
export function formatExtractResult(result: ExtractResult): string {
  const rows = result.featureSets.map((s) => [
    s.layer,
    String(s.dims),
    String(s.records),
    statusText(s, result.dryRun === true),
  ]);
  const summary = result.cached
    ? result.dryRun
      ? `0 of ${plural(result.featureSets.length, 'feature set')} to compute`
      : `all ${result.featureSets.length} feature sets were stored: nothing computed`
    : result.dryRun
      ? whatHappened(result)
      : `${whatHappened(result)} (${result.plan.mode}, batch ${result.plan.batchSize}) in ${result.seconds.toFixed(1)} s`;
  const skipped =
    result.skipped.length > 0
      ? [
          `skipped ${result.skipped.length} records: ${result.skipped
            .slice(0, 3)
            .map((s) => `${s.id} (${s.reason})`)
            .join('; ')}${result.skipped.length > 3 ? '; …' : ''}`,
        ]
      : [];
  return [
    ...table(['layer', 'dims', 'records', 'status'], rows),
    `store: ${result.store}`,
    summary,
    ...skipped,
  ].join('\n');
}
