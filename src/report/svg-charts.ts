/**
 * Inline SVG charts for the self-contained report: no scripts, no external fonts or files, so the
 * page renders the same offline, in a browser or a headless one.
 */
export const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

export interface Bar {
  label: string;
  value: number;
  highlight: boolean;
}

/** Horizontal bars of a metric in [0, 1], one per layer, the best one highlighted. */
export function barChart(bars: readonly Bar[], title: string): string {
  const rowHeight = 26;
  const labelWidth = Math.min(260, 12 + 7.2 * Math.max(...bars.map((b) => b.label.length), 4));
  const plotWidth = 420;
  const width = labelWidth + plotWidth + 70;
  const height = 34 + bars.length * rowHeight;
  const rows = bars.map((bar, i) => {
    const y = 28 + i * rowHeight;
    const w = Math.max(0, Math.min(1, bar.value)) * plotWidth;
    return [
      `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" class="label">${escapeHtml(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 8}" class="${bar.highlight ? 'bar best' : 'bar'}"/>`,
      `<text x="${labelWidth + w + 6}" y="${y + 16}" class="value">${percent(bar.value)}</text>`,
    ].join('');
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const x = labelWidth + t * plotWidth;
    return `<line x1="${x}" x2="${x}" y1="24" y2="${height - 4}" class="grid"/><text x="${x}" y="18" text-anchor="middle" class="tick">${t * 100}%</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">${ticks.join('')}${rows.join('')}</svg>`;
}

export interface Series {
  name: string;
  values: readonly number[];
  dashed?: boolean;
}

const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2'];

/** A line per series over epochs 1..n, y scaled to the data (or [0, 1] for metrics). */
export function lineChart(
  series: readonly Series[],
  options: { title: string; unitRange?: boolean },
): string {
  const width = 460;
  const height = 220;
  const left = 58;
  const bottom = 28;
  const top = 12;
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  const epochs = Math.max(1, ...series.map((s) => s.values.length));
  const lo = options.unitRange ? 0 : Math.min(...all, 0);
  const hi = options.unitRange ? 1 : Math.max(...all, lo + 1e-9);
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
  const yTicks = [lo, (lo + hi) / 2, hi].map(
    (v) =>
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" class="tick">${options.unitRange ? percent(v) : v.toPrecision(3)}</text><line x1="${left}" x2="${width - 12}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`,
  );
  const xTicks = Array.from({ length: epochs }, (_, i) => i)
    .filter((i) => epochs <= 10 || i % Math.ceil(epochs / 10) === 0 || i === epochs - 1)
    .map(
      (i) =>
        `<text x="${x(i)}" y="${height - bottom + 16}" text-anchor="middle" class="tick">${i + 1}</text>`,
    );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 18}" role="img" aria-label="${escapeHtml(options.title)}">${yTicks.join('')}${xTicks.join('')}${lines.join('')}<text x="${left}" y="${height + 14}" class="legend">${legend}</text></svg>`;
}
