/**
 * How layer-wise bars are drawn in the terminal: on an axis scaled to the layers' values (so 59 %
 * and 61 % do not draw the same bar), each layer under its block name when its tensor name is long.
 * Pure: the components only lay these out.
 */
import { layerLabels } from '../core/layer-labels.js';
import { axisFraction, metricAxis, type MetricAxis } from '../core/metric-axis.js';
import type { LayerRow } from './layer-summary.js';

export interface LayerBars {
  axis: MetricAxis;
  /** `(58–62%)`: where the bars start and end */
  range: string;
  /** bar length as a fraction of the full bar, per row */
  fractions: number[];
  /** the label to print, per row */
  labels: string[];
}

const axisPercent = (v: number) => `${Number((v * 100).toFixed(1))}`;

export function layerBars(rows: readonly LayerRow[]): LayerBars {
  const axis = metricAxis(
    rows.flatMap((r) => (r.value === undefined ? [] : [r.value])),
    { unit: true },
  );
  const names = layerLabels(rows.map((r) => r.layer));
  return {
    axis,
    range: `(${axisPercent(axis.lo)}–${axisPercent(axis.hi)}%)`,
    fractions: rows.map((r) => axisFraction(axis, r.value)),
    labels: rows.map((r) => names.get(r.layer) ?? r.layer),
  };
}
