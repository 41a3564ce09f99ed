import { describe, expect, it } from 'vitest';
import { layerLabels } from '../../src/core/layer-labels.js';

describe('layerLabels', () => {
  it('labels long exported tensor names with their block', () => {
    const labels = layerLabels([
      '/encoder/layer.0/output/LayerNorm/Add_1_output_0',
      '/encoder/layer.11/output/LayerNorm/Add_1_output_0',
      '/embeddings/LayerNorm/Add_1_output_0',
      'last_hidden_state',
      'sum(last:4)',
    ]);
    expect([...labels.values()]).toEqual([
      'encoder.layer.0',
      'encoder.layer.11',
      'embeddings',
      'last_hidden_state',
      'sum(last:4)',
    ]);
  });

  it('keeps the full name where the block does not identify the point, or the name is short', () => {
    const shared = layerLabels([
      '/encoder/layer.0/attention/output/LayerNorm/Add_1_output_0',
      '/encoder/layer.0/output/LayerNorm/Add_1_output_0',
    ]);
    expect([...shared.values()]).toEqual([...shared.keys()]);
    expect([...layerLabels(['block1/relu', 'block2/relu', 'head/logits']).values()]).toEqual([
      'block1/relu',
      'block2/relu',
      'head/logits',
    ]);
  });

  it('keeps a pooling suffix', () => {
    const labels = layerLabels([
      '/encoder/layer.3/output/LayerNorm/Add_1_output_0@cls',
      '/encoder/layer.3/output/LayerNorm/Add_1_output_0',
    ]);
    expect([...labels.values()]).toEqual(['encoder.layer.3@cls', 'encoder.layer.3']);
  });
});
