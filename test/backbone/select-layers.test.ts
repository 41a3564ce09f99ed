import { describe, expect, it } from 'vitest';
import type { CapturePoint } from '../../src/backbone/capture-point.js';
import { blockOutputs, selectLayers } from '../../src/backbone/select-layers.js';

const point = (name: string, block: string, op = 'Add'): CapturePoint => ({
  name,
  op,
  block,
  shape: ['N', 'T', 8],
  size: 64,
  pooledSize: 8,
});

// Five blocks; the encoder blocks end in a LayerNorm output, the head in a Flatten (a view).
const points = [
  point('/embeddings/LayerNorm/Add_1_output_0', 'embeddings'),
  ...[0, 1, 2].flatMap((i) => [
    point(`/encoder/layer.${i}/attention/self/Softmax_output_0`, `encoder.layer.${i}`, 'Softmax'),
    point(`/encoder/layer.${i}/output/LayerNorm/Add_1_output_0`, `encoder.layer.${i}`),
  ]),
  point('pooler', 'pooler', 'Tanh'),
  point('pooler_flat', 'pooler', 'Flatten'),
];
const names = (selected: CapturePoint[]) => selected.map((p) => p.name);
const blockNames = (selected: CapturePoint[]) => selected.map((p) => p.block);

describe('layer selection (--layers)', () => {
  it('takes one capture point per block: its last computed tensor, not a trailing view', () => {
    expect(names(blockOutputs(points))).toEqual([
      '/embeddings/LayerNorm/Add_1_output_0',
      '/encoder/layer.0/output/LayerNorm/Add_1_output_0',
      '/encoder/layer.1/output/LayerNorm/Add_1_output_0',
      '/encoder/layer.2/output/LayerNorm/Add_1_output_0',
      'pooler',
    ]);
  });

  it('resolves exact names, globs, blocks, last:K, every:K and block indices, in graph order', () => {
    expect(names(selectLayers(points, ['pooler']))).toEqual(['pooler']);
    expect(names(selectLayers(points, ['*Softmax*']))).toHaveLength(3);
    expect(blockNames(selectLayers(points, ['last:2']))).toEqual(['encoder.layer.2', 'pooler']);
    expect(blockNames(selectLayers(points, ['every:2']))).toEqual([
      'embeddings',
      'encoder.layer.1',
      'pooler',
    ]);
    expect(blockNames(selectLayers(points, ['-1', '0']))).toEqual(['embeddings', 'pooler']);
    expect(blockNames(selectLayers(points, ['blocks']))).toHaveLength(5);
    // Duplicates collapse and graph order wins over selector order.
    expect(names(selectLayers(points, ['pooler', 'last:1', '/embeddings/LayerNorm/Add_1_output_0']))).toEqual(
      ['/embeddings/LayerNorm/Add_1_output_0', 'pooler'],
    );
  });

  it('fails with exit 65 and the nearest valid names for an unknown layer', () => {
    expect(() => selectLayers(points, ['/encoder/layer.1/output/LayerNorm/Add_output_0'])).toThrow(
      expect.objectContaining({
        exitCode: 65,
        message: expect.stringContaining(
          'nearest capture points: /encoder/layer.1/output/LayerNorm/Add_1_output_0',
        ) as string,
      }),
    );
    expect(() => selectLayers(points, ['nothing*'])).toThrow(expect.objectContaining({ exitCode: 65 }));
    expect(() => selectLayers(points, ['7'])).toThrow(
      /block index 7 is out of range: the model has 5 blocks/,
    );
  });

  it('says why a tensor that exists cannot be a layer', () => {
    const excluded = new Map([['input_ids', 'is a model input']]);
    expect(() => selectLayers(points, ['input_ids'], excluded)).toThrow(
      expect.objectContaining({
        exitCode: 65,
        message: expect.stringMatching(/^input_ids is a model input, so it cannot be a layer/) as string,
      }),
    );
  });

  it('is a usage error when the selectors are empty or K is 0', () => {
    expect(() => selectLayers(points, [' '])).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => selectLayers(points, ['last:0'])).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe('numeric tensor names and block names (--layers)', () => {
  // As older PyTorch exports name them: block outputs `2`, `5`, `7` are block indices 0, 1, 2.
  const torch = [
    point('2', 'layer1.0', 'Relu'),
    point('3', 'layer2.0', 'Conv'),
    point('4', 'layer2.0', 'Relu'),
    point('5', 'layer2.0', 'GlobalAveragePool'),
    point('6', 'layer2.0', 'Flatten'),
    point('7', 'fc', 'MatMul'),
  ];

  it('takes an exact name over a block index, and says so when the selector is both', () => {
    const notes: string[] = [];
    expect(names(selectLayers(torch, ['5'], new Map(), (n) => notes.push(n)))).toEqual(['5']);
    expect(notes).toEqual(['--layers 5: took the capture point named 5 (the model has no block index 5)']);
    notes.length = 0;
    expect(names(selectLayers(torch, ['2'], new Map(), (n) => notes.push(n)))).toEqual(['2']);
    expect(notes).toEqual([
      '--layers 2: took the capture point named 2, not block index 2 (7); select that one by its name',
    ]);
    // a number that names no point is still a block index, and `-1` is the last block
    notes.length = 0;
    expect(names(selectLayers(torch, ['1', '-1'], new Map(), (n) => notes.push(n)))).toEqual(['5', '7']);
    expect(notes).toEqual([]);
  });

  it('takes a block name as the block output, as `layerlab layers` prints it in the block column', () => {
    expect(names(selectLayers(torch, ['layer2.0']))).toEqual(['5']);
    expect(names(selectLayers(points, ['encoder.layer.1', 'pooler']))).toEqual([
      '/encoder/layer.1/output/LayerNorm/Add_1_output_0',
      'pooler',
    ]);
  });
});
