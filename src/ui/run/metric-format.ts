import { formatLoss, formatPercent } from '../format.js';
import type { MetricSpec } from './results-matrix.js';

/** Fractions as percentages, losses with three significant digits, missing values as a dash. */
export function formatMetric(metric: MetricSpec, value: number | undefined): string {
  return metric.kind === 'fraction' ? formatPercent(value) : formatLoss(value);
}
