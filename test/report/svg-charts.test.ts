import { describe, expect, it } from 'vitest';
import { metricAxis } from '../../src/core/metric-axis.js';
import { barChart, lineChart } from '../../src/report/svg-charts.js';

const widths = (svg: string) => [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
const tickLabels = (svg: string) => [...svg.matchAll(/class="tick">([^<]+)</g)].map((m) => m[1]!);

/** A BERT-style encoder on movie-review sentiment: every layer between 59.1 and 61.2 %. */
const layers = [
  { name: '/embeddings/LayerNorm/Add_1_output_0', label: 'embeddings', value: 0.591 },
  { name: '/encoder/layer.0/output/LayerNorm/Add_1_output_0', label: 'encoder.layer.0', value: 0.603 },
  { name: '/encoder/layer.1/output/LayerNorm/Add_1_output_0', label: 'encoder.layer.1', value: 0.612 },
];
const bars = layers.map((l, i) => ({ label: l.label, name: l.name, value: l.value, highlight: i === 2 }));

describe('report charts', () => {
  it('draws close scores on an axis scaled to them, so the bars differ visibly', () => {
    const svg = barChart(
      bars,
      'best validation accuracy by layer',
      metricAxis(
        bars.map((b) => b.value),
        { unit: true, chance: 0.5 },
      ),
    );
    const [low, , high] = widths(svg);
    expect(high! / low!).toBeGreaterThan(2); // on a 0–100 % axis: 1.04
    expect(tickLabels(svg)).not.toContain('0%');
    expect(tickLabels(svg)[0]).toMatch(/^5\d(\.\d)?%$/);
  });

  it('marks chance level when the axis starts there', () => {
    const values = [0.31, 0.45, 0.52];
    const svg = barChart(
      values.map((value, i) => ({ label: `block${i}`, value, highlight: false })),
      'by layer',
      metricAxis(values, { unit: true, chance: 0.25 }),
    );
    expect(svg).toContain('class="chance"');
    expect(svg).toContain('chance 25%');
    expect(widths(svg)[0]).toBeGreaterThan(0);
  });

  it('labels bars by block and keeps the full name on hover', () => {
    const svg = barChart(bars, 'by layer', metricAxis([0.591, 0.612], { unit: true }));
    expect(svg).toContain('>encoder.layer.0</text>');
    expect(svg).toContain('<title>/encoder/layer.0/output/LayerNorm/Add_1_output_0: 60.3%</title>');
  });

  it('shortens a label that does not fit in the middle, not from the left', () => {
    const long = '/encoder/layer.0/attention/output/LayerNorm/Add_1_output_0';
    const svg = barChart([{ label: long, value: 0.6, highlight: true }], 'by layer', metricAxis([0.6]));
    expect(svg).toMatch(/>\/encoder\/layer\.0\/[^<]*…[^<]*Add_1_output_0<\/text>/);
    expect(svg).toContain(`<title>${long}: 60%</title>`);
  });

  it('does not start learning curves at zero', () => {
    const svg = lineChart(
      [
        { name: 'train loss', values: [0.71, 0.69, 0.68, 0.675] },
        { name: 'val loss', values: [0.7, 0.69, 0.685, 0.684], dashed: true },
      ],
      { title: 'loss' },
    );
    const ticks = tickLabels(svg).filter((t) => t.includes('.'));
    expect(Number(ticks[0])).toBeGreaterThan(0.6);
    const accuracy = lineChart([{ name: 'val accuracy', values: [0.58, 0.6, 0.61] }], {
      title: 'acc',
      unit: true,
      chance: 0.5,
    });
    expect(tickLabels(accuracy)).not.toContain('0%');
  });
});
