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

/** The plain-text result: one row per feature set, then a summary line. */
export function formatExtractResult(result: ExtractResult): string {
  const rows = result.featureSets.map((s) => [
    s.layer,
    String(s.dims),
    String(s.records),
    s.reused ? 'stored' : result.dryRun ? 'to compute' : 'computed',
  ]);
  const computed = result.featureSets.filter((s) => !s.reused).length;
  const summary = result.dryRun
    ? `${computed} of ${result.featureSets.length} feature sets to compute`
    : result.cached
      ? `all ${result.featureSets.length} feature sets were stored: nothing computed`
      : `computed ${computed} of ${result.featureSets.length} feature sets (${result.plan.mode}, batch ${result.plan.batchSize}) in ${result.seconds.toFixed(1)} s`;
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
