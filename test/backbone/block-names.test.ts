import { describe, expect, it } from 'vitest';
import { assignBlocks } from '../../src/backbone/block-names.js';
import { kerasBlock } from '../../src/backbone/tfjs-layers-model.js';

const node = (name: string, inputs: string[], outputs: string[]) => ({ name, inputs, outputs });

describe('block names', () => {
  it('reads PyTorch scopes from tensor and node names (encoder.layer.N, layer3.1)', () => {
    const blocks = assignBlocks(
      [
        node(
          '/embeddings/word_embeddings/Gather',
          ['w', 'ids'],
          ['/embeddings/word_embeddings/Gather_output_0'],
        ),
        node(
          '/encoder/layer.5/output/LayerNorm/Add_1',
          ['x', 'b'],
          ['/encoder/layer.5/output/LayerNorm/Add_1_output_0'],
        ),
        node('/encoder/layer.11/output/LayerNorm/Add_1', ['y', 'b'], ['last_hidden_state']),
        node('/layer3/layer3.1/relu/Relu', ['z'], ['/layer3/layer3.1/relu/Relu_output_0']),
        node('/1/1.2/1.2.1/Add', ['a', 'c'], ['/1/1.2/1.2.1/Add_output_0']),
      ],
      new Set(['w', 'b']),
    );
    expect([...blocks.values()]).toEqual([
      'embeddings',
      'encoder.layer.5',
      'encoder.layer.11',
      'layer3.1',
      '1.2',
    ]);
  });

  it('reads old exports with numeric tensors from the weights their nodes read, and carries blocks through activations', () => {
    const blocks = assignBlocks(
      [
        node('Conv_0', ['input.1', 'conv1.weight'], ['27']),
        node('Relu_1', ['27'], ['28']),
        node('Conv_2', ['28', 'layer1.0.conv1.weight'], ['29']),
        node('Add_6', ['29', '28'], ['33']),
        node('Gemm_25', ['33', 'linear1.weight'], ['52']),
      ],
      new Set(['conv1.weight', 'layer1.0.conv1.weight', 'linear1.weight']),
    );
    expect(Object.fromEntries(blocks)).toEqual({
      '27': 'conv1',
      '28': 'conv1',
      '29': 'layer1.0',
      '33': 'layer1.0',
      '52': 'linear1',
    });
  });

  it('keeps meaningful bare names as their own blocks and drops scopes every tensor shares', () => {
    const blocks = assignBlocks(
      [
        node('n1', ['x'], ['block1/relu']),
        node('n2', ['block1/relu'], ['pool']),
        node('n3', ['pool'], ['Plus30_Output_0']),
      ],
      new Set(),
    );
    expect(Object.fromEntries(blocks)).toEqual({
      'block1/relu': 'block1',
      pool: 'pool',
      Plus30_Output_0: 'Plus30_Output_0',
    });
    const tf = assignBlocks(
      [
        node(
          'StatefulPartitionedCall/model/block1_conv/Relu',
          [],
          ['StatefulPartitionedCall/model/block1_conv/Relu'],
        ),
        node(
          'StatefulPartitionedCall/model/dense/BiasAdd',
          [],
          ['StatefulPartitionedCall/model/dense/BiasAdd'],
        ),
      ],
      new Set(),
    );
    expect([...tf.values()]).toEqual(['block1_conv', 'dense']);
  });

  it('groups Keras layer names by their numbered prefix', () => {
    expect(
      ['block1_conv1', 'block1_pool', 'conv_pw_3_relu', 'block_2_expand', 'dense_1', 'conv2d'].map(
        kerasBlock,
      ),
    ).toEqual(['block1', 'block1', 'conv_pw_3', 'block_2', 'dense_1', 'conv2d']);
  });
});
