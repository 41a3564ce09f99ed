import { describe, expect, it } from 'vitest';
import { layerBars } from '../../src/ui/layer-axis.js';
import type { LayerRow } from '../../src/ui/layer-summary.js';

describe('layerBars', () => {
  const rows: LayerRow[] = [
    { layer: '/embeddings/LayerNorm/Add_1_output_0', value: 0.591, head: undefined },
    { layer: '/encoder/layer.0/output/LayerNorm/Add_1_output_0', value: 0.603, head: undefined },
    { layer: '/encoder/layer.1/output/LayerNorm/Add_1_output_0', value: 0.612, head: undefined },
    { layer: '/encoder/layer.2/output/LayerNorm/Add_1_output_0', value: undefined, head: undefined }, // no metric yet
  ];

  it('scales bars to the values and names the range', () => {
    const bars = layerBars(rows);
    expect(bars.fractions[2]! - bars.fractions[0]!).toBeGreaterThan(0.4); // 0.021 on 0–100 %
    expect(bars.fractions[0]).toBeGreaterThan(0);
    expect(bars.fractions[3]).toBe(0);
    expect(bars.range).toMatch(/^\(5\d(\.\d)?–6\d(\.\d)?%\)$/);
  });

  it('labels long tensor names by block', () => {
    expect(layerBars(rows).labels).toEqual([
      'embeddings',
      'encoder.layer.0',
      'encoder.layer.1',
      'encoder.layer.2',
    ]);
  });
});
