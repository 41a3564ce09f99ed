/**
 * A small character line chart: series of (x, y) points drawn into a grid of cells, consecutive
 * points joined (several points in one column drawn as their mean), each series with its own glyph
 * so the chart reads without colour. Pure.
 */

export interface Series {
  name: string;
  glyph: string;
  points: readonly { x: number; y: number }[];
}

export interface Plot {
  /** cells[row][column] = index of the series drawn there (the last drawn wins), row 0 at the top */
  cells: (number | undefined)[][];
  yMin: number;
  yMax: number;
  xMin: number;
  xMax: number;
}

function finitePoints(series: readonly Series[]) {
  return series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
}

/** A y range with a little room, so a flat line does not sit on the frame. */
export function yRange(
  values: readonly number[],
  bounds?: { min?: number; max?: number },
): { min: number; max: number } {
  let min = bounds?.min ?? Math.min(...values);
  let max = bounds?.max ?? Math.max(...values);
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1 };
  if (max - min < 1e-9) {
    const pad = Math.abs(max) * 0.05 || 0.5;
    min -= bounds?.min === undefined ? pad : 0;
    max += bounds?.max === undefined ? pad : 0;
  }
  return { min, max };
}

export function plotSeries(
  series: readonly Series[],
  width: number,
  height: number,
  bounds?: { min?: number; max?: number },
): Plot {
  const cells = Array.from({ length: height }, () => new Array<number | undefined>(width).fill(undefined));
  const points = finitePoints(series);
  const { min: yMin, max: yMax } = yRange(
    points.map((p) => p.y),
    bounds,
  );
  const xs = points.map((p) => p.x);
  const xMin = xs.length > 0 ? Math.min(...xs) : 0;
  const xMax = xs.length > 0 ? Math.max(...xs) : 1;
  const column = (x: number) => (xMax === xMin ? 0 : Math.round(((x - xMin) / (xMax - xMin)) * (width - 1)));
  const row = (y: number) => {
    const clamped = Math.min(yMax, Math.max(yMin, y));
    return Math.round(((yMax - clamped) / (yMax - yMin)) * (height - 1));
  };
  series.forEach((s, index) => {
    // More epochs than columns: each column shows the mean of its epochs, so the curve stays a curve.
    const sums = new Map<number, { sum: number; count: number }>();
    for (const p of s.points) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
      const c = column(p.x);
      const entry = sums.get(c) ?? { sum: 0, count: 0 };
      entry.sum += p.y;
      entry.count++;
      sums.set(c, entry);
    }
    const means = [...sums].sort((a, b) => a[0] - b[0]).map(([c, { sum, count }]) => ({ c, y: sum / count }));
    means.forEach((p, i) => {
      const next = means[i + 1];
      const last = next === undefined ? p.c : next.c;
      for (let c = p.c; c <= last; c++) {
        const t = last === p.c ? 0 : (c - p.c) / (last - p.c);
        const y = next === undefined ? p.y : p.y + t * (next.y - p.y);
        const r = row(y);
        if (cells[r] !== undefined && c >= 0 && c < width) cells[r][c] = index;
      }
    });
  });
  return { cells, yMin, yMax, xMin, xMax };
}

/** Runs of equal cells in a plot row, for drawing each series' glyphs in one coloured span. */
export function rowRuns(
  row: readonly (number | undefined)[],
): { series: number | undefined; length: number }[] {
  const runs: { series: number | undefined; length: number }[] = [];
  for (const cell of row) {
    const last = runs.at(-1);
    if (last !== undefined && last.series === cell) last.length++;
    else runs.push({ series: cell, length: 1 });
  }
  return runs;
}
