import { describe, expect, it } from 'vitest';
import { plotSeries, rowRuns, yRange } from '../../src/ui/model/line-chart.js';
import { matrixLayout } from '../../src/ui/run/matrix-layout.js';
import { runLayout, workerLines } from '../../src/ui/run/run-layout.js';
import { progressLines } from '../../src/ui/progress-text.js';

describe('line chart', () => {
  it('draws each series with its own index, joining consecutive points', () => {
    const plot = plotSeries(
      [
        {
          name: 'up',
          glyph: '*',
          points: [
            { x: 1, y: 0 },
            { x: 3, y: 1 },
          ],
        },
        {
          name: 'flat',
          glyph: 'o',
          points: [
            { x: 1, y: 0.5 },
            { x: 3, y: 0.5 },
          ],
        },
      ],
      5,
      3,
    );
    expect(plot).toMatchObject({ xMin: 1, xMax: 3, yMin: 0, yMax: 1 });
    const drawn = plot.cells.map((row) => row.map((c) => (c === undefined ? '.' : String(c))).join(''));
    expect(drawn).toEqual(['....0', '11111', '00...']);
  });

  it('gives a flat line room, and ignores points that are not numbers', () => {
    expect(yRange([2, 2])).toEqual({ min: 1.9, max: 2.1 });
    expect(yRange([0, 0])).toEqual({ min: -0.5, max: 0.5 });
    expect(yRange([], { min: 0, max: 1 })).toEqual({ min: 0, max: 1 });
    const plot = plotSeries(
      [
        {
          name: 's',
          glyph: '*',
          points: [
            { x: 1, y: Number.NaN },
            { x: 2, y: 3 },
          ],
        },
      ],
      4,
      2,
    );
    expect(plot.cells.flat().filter((c) => c !== undefined)).toHaveLength(1);
  });

  it('groups a row into runs of one series for colouring', () => {
    expect(rowRuns([undefined, 0, 0, 1, undefined])).toEqual([
      { series: undefined, length: 1 },
      { series: 0, length: 2 },
      { series: 1, length: 1 },
      { series: undefined, length: 1 },
    ]);
  });
});

describe('run screen layout', () => {
  const base = {
    layers: 6,
    tableHeaderLines: 3,
    progressLines: 2,
    workerLines: 1,
    steerLines: 0,
    filterLine: false,
  };

  it('shows everything when it fits, the chart last', () => {
    expect(runLayout({ ...base, height: 39 })).toEqual({ tableRows: 6, workers: true, chart: true });
  });

  it('drops the chart, then worker activity, then table rows (never below a few)', () => {
    expect(runLayout({ ...base, height: 20 })).toEqual({ tableRows: 6, workers: true, chart: false });
    expect(runLayout({ ...base, height: 16 })).toEqual({ tableRows: 6, workers: false, chart: false });
    expect(runLayout({ ...base, height: 13 })).toEqual({ tableRows: 3, workers: false, chart: false });
    expect(runLayout({ ...base, height: 16, steerLines: 4 })).toEqual({
      tableRows: 3,
      workers: false,
      chart: false,
    });
  });

  it('counts worker lines and wrapped progress lines', () => {
    expect(workerLines(16, 100, 24)).toBe(4);
    expect(workerLines(0, 100, 24)).toBe(0);
    expect(progressLines(12, 'x'.repeat(40), 120)).toBe(1);
    expect(progressLines(12, 'x'.repeat(80), 72)).toBe(2);
  });

  it('keeps the selected head column in view and wraps head labels onto header lines', () => {
    const heads = Array.from({ length: 12 }, (_, i) => `lr=0.${i} l2=1e-4`);
    const layout = matrixLayout(['block1/pool'], heads, 100, 2 + 10);
    expect(layout.headWidth).toBe(11);
    expect(layout.headEnd - layout.headStart).toBe(Math.floor((100 - 2 - 15 - 9) / 11));
    expect(layout.headStart).toBeLessThanOrEqual(10);
    expect(layout.headEnd).toBeGreaterThan(10);
    expect(layout.headerLines[0]).toEqual(['lr=0.0', 'l2=1e-4']);
    expect(layout.headerHeight).toBe(2);
  });
});

describe('line chart with more points than columns', () => {
  it('draws each column at the mean of its points', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({ x: i + 1, y: i % 2 === 0 ? 0 : 1 }));
    const plot = plotSeries([{ name: 'noisy', glyph: '*', points }], 10, 5, { min: 0, max: 1 });
    // every column averages to 0.5: one flat line in the middle row
    expect(plot.cells.map((row) => row.filter((c) => c !== undefined).length)).toEqual([0, 0, 10, 0, 0]);
  });
});
