/**
 * Inline SVG charts for the self-contained report: no scripts, no external fonts or files, so the
 * page renders the same offline, in a browser or a headless one.
 */
import { axisFraction, metricAxis, type MetricAxis } from '../core/metric-axis.js';

export const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const percent = (v: number) => `${Number((v * 100).toFixed(1))}%`;

export interface Bar {
  label: string;
  /** the full name, shown on hover (`<title>`) when the label shortens it */
  name?: string;
  value: number;
  highlight: boolean;
}

/** Characters a label may take before it is shortened in the middle (the chart's label column). */
const LABEL_CHARS = 34;

const shorten = (text: string) =>
  text.length <= LABEL_CHARS
    ? text
    : `${text.slice(0, Math.ceil((LABEL_CHARS - 1) / 2))}…${text.slice(text.length - Math.floor((LABEL_CHARS - 1) / 2))}`;

/**
 * Horizontal bars of a metric in [0, 1], one per layer, the best one highlighted, on an axis scaled
 * to the values (`metricAxis`): bars start at the axis' first value, which the ticks name, and a
 * dashed line marks chance level when it is on the axis.
 */
export function barChart(bars: readonly Bar[], title: string, axis: MetricAxis): string {
  const rowHeight = 26;
  const labels = bars.map((b) => shorten(b.label));
  const labelWidth = Math.min(260, 12 + 7.2 * Math.max(...labels.map((l) => l.length), 4));
  const plotWidth = 420;
  const width = labelWidth + plotWidth + 70;
  const height = 34 + bars.length * rowHeight;
  const rows = bars.map((bar, i) => {
    const y = 28 + i * rowHeight;
    const w = axisFraction(axis, bar.value) * plotWidth;
    const full = bar.name ?? bar.label;
    return [
      `<g><title>${escapeHtml(`${full}: ${percent(bar.value)}`)}</title>`,
      `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" class="label">${escapeHtml(labels[i]!)}</text>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 8}" class="${bar.highlight ? 'bar best' : 'bar'}"/>`,
      `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 16}" class="value">${percent(bar.value)}</text></g>`,
    ].join('');
  });
  const x = (v: number) => (labelWidth + axisFraction(axis, v) * plotWidth).toFixed(1);
  const ticks = axis.ticks.map(
    (t) =>
      `<line x1="${x(t)}" x2="${x(t)}" y1="24" y2="${height - 4}" class="grid"/><text x="${x(t)}" y="18" text-anchor="middle" class="tick">${percent(t)}</text>`,
  );
  const start =
    axis.ticks[0] === axis.lo
      ? ''
      : `<text x="${x(axis.lo)}" y="18" text-anchor="start" class="tick">${percent(axis.lo)}</text>`;
  const chance =
    axis.chance === undefined
      ? ''
      : `<line x1="${x(axis.chance)}" x2="${x(axis.chance)}" y1="24" y2="${height - 4}" class="chance"><title>chance level ${percent(axis.chance)}</title></line><text x="${x(axis.chance)}" y="${height + 10}" text-anchor="middle" class="tick">chance ${percent(axis.chance)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + (axis.chance === undefined ? 0 : 14)}" role="img" aria-label="${escapeHtml(title)}">${ticks.join('')}${start}${rows.join('')}${chance}</svg>`;
}

export interface Series {
  name: string;
  values: readonly number[];
  dashed?: boolean;
}

const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2'];

/**
 * A line per series over epochs 1..n, y scaled to the data (`metricAxis`, with little room below the
 * lowest value): from 0, a loss falling from 0.71 to 0.67 draws as a flat line. `unit` metrics print
 * as percentages and never leave [0, 1]; `chance` is marked when it is on the axis.
 */
export function lineChart(
  series: readonly Series[],
  options: { title: string; unit?: boolean; chance?: number },
): string {
  const width = 460;
  const height = 220;
  const left = 58;
  const bottom = 28;
  const top = 12;
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  const epochs = Math.max(1, ...series.map((s) => s.values.length));
  const axis = metricAxis(all, {
    below: 0.1,
    ticks: 4,
    ...(options.unit ? { unit: true } : {}),
    ...(options.chance === undefined ? {} : { chance: options.chance }),
  });
  const { lo, hi } = axis;
  const x = (i: number) => left + (epochs === 1 ? 0 : (i / (epochs - 1)) * (width - left - 12));
  const y = (v: number) => top + (1 - (v - lo) / (hi - lo)) * (height - top - bottom);
  const lines = series.map((s, k) => {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const colour = PALETTE[k % PALETTE.length]!;
    return `<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`;
  });
  const legend = series
    .map((s, k) => `<tspan fill="${PALETTE[k % PALETTE.length]!}">■ ${escapeHtml(s.name)}</tspan>`)
    .join('  ');
  const yTicks = axis.ticks.map(
    (v) =>
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" class="tick">${options.unit ? percent(v) : String(Number(v.toPrecision(3)))}</text><line x1="${left}" x2="${width - 12}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`,
  );
  if (axis.chance !== undefined)
    yTicks.push(
      `<line x1="${left}" x2="${width - 12}" y1="${y(axis.chance)}" y2="${y(axis.chance)}" class="chance"><title>chance level ${percent(axis.chance)}</title></line>`,
    );
  const xTicks = Array.from({ length: epochs }, (_, i) => i)
    .filter((i) => epochs <= 10 || i % Math.ceil(epochs / 10) === 0 || i === epochs - 1)
    .map(
      (i) =>
        `<text x="${x(i)}" y="${height - bottom + 16}" text-anchor="middle" class="tick">${i + 1}</text>`,
    );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 18}" role="img" aria-label="${escapeHtml(options.title)}">${yTicks.join('')}${xTicks.join('')}${lines.join('')}<text x="${left}" y="${height + 14}" class="legend">${legend}</text></svg>`;
}
