import { describe, expect, it } from 'vitest';
import { groupSection } from '../../src/report/group-charts.js';
import type { GroupResults } from '../../src/train/run-folder/group-results.js';

const layers = ['block1/pool', 'block2/pool', 'pool'];
const labels = new Map(layers.map((l) => [l, l]));

/** Two groups whose best layers differ, with close scores, and one group skipped as too small. */
const groups: GroupResults = {
  minRecords: 20,
  groups: [
    {
      name: 'north',
      records: { train: 300, val: 60, test: 60 },
      best: { id: 'm1', layer: 'block2/pool', head: 'lr=0.1', val: 0.92, test: 0.9 },
      layers: [
        { layer: 'block1/pool', id: 'm0', val: 0.9, test: 0.88 },
        { layer: 'block2/pool', id: 'm1', val: 0.92, test: 0.9 },
        { layer: 'pool', id: 'm2', val: 0.91, test: 0.89 },
      ],
      shared: { id: 'm2', test: 0.86 },
    },
    {
      name: 'south',
      records: { train: 200, val: 40, test: 40 },
      best: { id: 'm2', layer: 'pool', head: 'lr=0.1', val: 0.95, test: 0.93 },
      layers: [
        { layer: 'block1/pool', id: 'm0', val: 0.89, test: 0.87 },
        { layer: 'block2/pool', id: 'm1', val: 0.9, test: 0.9 },
        { layer: 'pool', id: 'm2', val: 0.95, test: 0.93 },
      ],
      shared: { id: 'm2', test: 0.91 },
    },
  ],
  skipped: [{ name: 'east', records: { train: 4, val: 1, test: 1 } }],
};

const cellShades = (html: string) =>
  [...html.matchAll(/rgba\(37,99,235,([\d.]+)\)/g)].map((m) => Number(m[1]));

describe('report: data groups', () => {
  it('compares each group’s own best head with the shared head, on an axis scaled to the values', () => {
    const html = groupSection(groups, layers, labels, 'accuracy');
    expect(html).toContain('north · own (block2/pool)');
    expect(html).toContain('north · shared');
    expect(html).toContain('south · own (pool)');
    const widths = [...html.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(4);
    // 86–93 %: on a 0–100 % axis the shortest bar would be 0.92 of the longest
    expect(Math.min(...widths) / Math.max(...widths)).toBeLessThan(0.5);
    expect([...html.matchAll(/class="tick">([^<]+)</g)].map((m) => m[1])).not.toContain('0%');
  });

  it('draws the group × layer heat map: shades scaled to the grid, best layer outlined, shared column', () => {
    const html = groupSection(groups, layers, labels, 'accuracy');
    const table = html.slice(html.indexOf('<table class="groups">'));
    const shades = cellShades(table);
    expect(shades).toHaveLength(6);
    // the lowest cell (89 %) is the palest, the highest (95 %) the darkest, far apart
    expect(Math.min(...shades)).toBeCloseTo(shades[3]!, 6);
    expect(Math.max(...shades)).toBeCloseTo(shades[5]!, 6);
    expect(shades[5]! - shades[3]!).toBeGreaterThan(0.6);
    expect([...table.matchAll(/class="n top"[^>]*>([^<]+)</g)].map((m) => m[1])).toEqual(['92.0%', '95.0%']);
    expect(table).toContain('<th>shared head (test)</th>');
    expect(table).toMatch(/<th>north<\/th>.*<td class="n">86\.0%<\/td><\/tr>/);
    expect(html).toContain('east (4)');
  });

  it('adds nothing for a run without groups', () => {
    expect(groupSection(undefined, layers, labels, 'accuracy')).toBe('');
  });
});
