import { formatBytes } from '../core/format-bytes.js';
import type { ExtractionPlan } from './plan.js';

/** The plan of an extraction with nothing to compute. */
export function nothingToCompute(budget: number): ExtractionPlan {
  return {
    mode: 'one-pass',
    reason: 'every feature set is stored; nothing to compute',
    batchSize: 0,
    batches: 0,
    concurrency: { ortThreads: 0, decodeConcurrency: 0, prefetchBatches: 0 },
    stages: [],
    forecast: { peakBytes: 0, storeBytes: 0, boundaryBytes: 0, seconds: 0, memoryBudgetBytes: budget },
  };
}

/** One line for the log: plan, batch, threads, forecast. */
export function describePlan(plan: ExtractionPlan): string {
  const stages =
    plan.mode === 'one-pass'
      ? ''
      : ` (${plan.stages.length} ${plan.mode === 'staged' ? 'stages' : 'passes'})`;
  const seconds = plan.forecast.seconds === undefined ? '' : `, ~${plan.forecast.seconds.toFixed(1)} s`;
  return (
    `plan: ${plan.mode}${stages}, batch ${plan.batchSize}, ${plan.concurrency.ortThreads} threads; ` +
    `forecast peak ${formatBytes(plan.forecast.peakBytes)} of ${formatBytes(plan.forecast.memoryBudgetBytes)}, ` +
    `store +${formatBytes(plan.forecast.storeBytes)}${seconds} — ${plan.reason}`
  );
}
