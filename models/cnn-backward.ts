import type { GraphBuilder } from '../src/core/onnx/index.js';
import { blockSides, parameterSpecs, type CnnArchitecture } from './cnn-architecture.js';
import type { ForwardTensors } from './cnn-forward.js';

export interface BackwardTensors {
  /** mean softmax cross-entropy over the batch, a scalar */
  loss: string;
  /** d loss / d parameter, in `parameterSpecs` order */
  grads: string[];
}

/**
 * Adds the loss and its hand-derived gradients for the graph `addForward` built. The batch size is
 * static (`batch`), which keeps every shape constant and the mean's 1/N a constant.
 */
export function addBackward(
  g: GraphBuilder,
  arch: CnnArchitecture,
  fwd: ForwardTensors,
  onehot: string,
  params: readonly string[],
  batch: number,
): BackwardTensors {
  const specs = parameterSpecs(arch);
  const grads: string[] = new Array<string>(specs.length);
  const gradName = (index: number) => `grad/${specs[index]!.name}`;
  const zero = g.constFloat([0], [], 'zero');
  const perm = [1, 0, 2, 3];

  // Softmax cross-entropy: loss = -mean(sum(onehot * log_softmax)); d loss / d logits = (softmax - onehot) / N.
  const logProbs = g.op('LogSoftmax', [fwd.logits], { axis: 1 });
  const picked = g.op('ReduceSum', [g.op('Mul', [onehot, logProbs]), g.constInt64([1])], { keepdims: 0 });
  const loss = g.op('Neg', [g.op('ReduceMean', [picked], { keepdims: 0 })], undefined, 'loss');
  const probs = g.op('Exp', [logProbs]);
  const dLogits = g.op('Mul', [g.op('Sub', [probs, onehot]), g.constFloat([1 / batch], [])]);

  // Gemm(flatten, W, b, transB): dW = dLogits^T · flatten, db = column sums, dFlatten = dLogits · W.
  const classifier = 2 * arch.channels.length;
  grads[classifier] = g.op('Gemm', [dLogits, fwd.flatten], { transA: 1 }, gradName(classifier));
  grads[classifier + 1] = g.op(
    'ReduceSum',
    [dLogits, g.constInt64([0])],
    { keepdims: 0 },
    gradName(classifier + 1),
  );
  const dFlatten = g.op('MatMul', [dLogits, params[classifier]!]);

  // Global average pool: every position receives 1/(h·w) of its channel's gradient.
  const sides = blockSides(arch);
  const lastSide = sides[sides.length - 1]!;
  const lastChannels = arch.channels[arch.channels.length - 1]!;
  const dPool = g.op('Reshape', [dFlatten, g.constInt64([batch, lastChannels, 1, 1])]);
  let dRelu = g.op('Expand', [
    g.op('Mul', [dPool, g.constFloat([1 / (lastSide * lastSide)], [])]),
    g.constInt64([batch, lastChannels, lastSide, lastSide]),
  ]);

  for (let block = arch.channels.length - 1; block >= 0; block--) {
    const tensors = fwd.blocks[block]!;
    const side = sides[block]!;
    // ReLU passes the gradient where its output is positive.
    const dConv = g.op('Where', [g.op('Greater', [tensors.relu, zero]), dRelu, zero]);
    // Conv weight gradient as a conv over the batch axis: swap N and C on both operands, correlate the
    // input with the output gradient (pad 1 leaves a 3×3 result), and swap back to [Cout, Cin, 3, 3].
    const dWeightT = g.op(
      'Conv',
      [g.op('Transpose', [tensors.input], { perm }), g.op('Transpose', [dConv], { perm })],
      { pads: [1, 1, 1, 1] },
    );
    grads[2 * block] = g.op('Transpose', [dWeightT], { perm }, gradName(2 * block));
    grads[2 * block + 1] = g.op(
      'ReduceSum',
      [dConv, g.constInt64([0, 2, 3])],
      { keepdims: 0 },
      gradName(2 * block + 1),
    );
    if (block === 0) break; // the image needs no gradient
    // Input gradient of a stride-1 pad-1 conv is the transposed conv with the same weights.
    const dPoolOut = g.op('ConvTranspose', [dConv, params[2 * block]!], { pads: [1, 1, 1, 1] });
    // 2×2 average pool backward: copy each gradient to its 2×2 window (reshape + broadcast) and scale by 1/4.
    const prevChannels = arch.channels[block - 1]!;
    const windows = g.op('Expand', [
      g.op('Reshape', [dPoolOut, g.constInt64([batch, prevChannels, side, 1, side, 1])]),
      g.constInt64([batch, prevChannels, side, 2, side, 2]),
    ]);
    dRelu = g.op('Mul', [
      g.op('Reshape', [windows, g.constInt64([batch, prevChannels, 2 * side, 2 * side])]),
      g.constFloat([0.25], []),
    ]);
  }
  return { loss, grads };
}
