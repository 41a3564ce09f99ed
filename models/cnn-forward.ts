import type { GraphBuilder } from '../src/core/onnx/index.js';
import { blockName, type CnnArchitecture } from './cnn-architecture.js';

/** Names of the forward pass's tensors; the backward pass reads them back. */
export interface ForwardTensors {
  input: string;
  blocks: BlockTensors[];
  /** global average pool of the last block, [N, C, 1, 1] */
  pool: string;
  /** the pool flattened to [N, C], the classifier's input */
  flatten: string;
  logits: string;
}

export interface BlockTensors {
  /** what the conv reads: the image, or the previous block's pool */
  input: string;
  conv: string;
  relu: string;
  /** 2×2 average pool; absent on the last block */
  pool?: string;
}

/**
 * Adds the forward pass. Intermediate tensors get readable names (`block2/relu`, `pool`, `logits`)
 * because users see them as layer names. `params` are tensor names in `parameterSpecs` order.
 */
export function addForward(
  g: GraphBuilder,
  arch: CnnArchitecture,
  input: string,
  params: readonly string[],
): ForwardTensors {
  const blocks: BlockTensors[] = [];
  let x = input;
  arch.channels.forEach((_channels, block) => {
    const name = blockName(block);
    const conv = g.op(
      'Conv',
      [x, params[2 * block]!, params[2 * block + 1]!],
      { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] },
      `${name}/conv`,
    );
    const relu = g.op('Relu', [conv], undefined, `${name}/relu`);
    const tensors: BlockTensors = { input: x, conv, relu };
    if (block < arch.channels.length - 1) {
      tensors.pool = g.op('AveragePool', [relu], { kernel_shape: [2, 2], strides: [2, 2] }, `${name}/pool`);
      x = tensors.pool;
    }
    blocks.push(tensors);
  });
  const last = blocks[blocks.length - 1]!;
  const pool = g.op('GlobalAveragePool', [last.relu], undefined, 'pool');
  const flatten = g.op('Flatten', [pool], { axis: 1 }, 'flatten');
  const classifier = 2 * arch.channels.length;
  const logits = g.op(
    'Gemm',
    [flatten, params[classifier]!, params[classifier + 1]!],
    { transB: 1 },
    'logits',
  );
  return { input, blocks, pool, flatten, logits };
}
