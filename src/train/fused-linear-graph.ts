import { encodeModel, GraphBuilder } from '../core/onnx/index.js';
import type { LinearHeadConfig } from './head-config.js';
import type { GroupState, HyperValues } from './group-state.js';
import { learningRate } from './lr-schedule.js';
import { nextName } from './group-state.js';

/**
 * K multinomial-logistic-regression heads that read the same features, as ONNX graphs (Nautilus,
 * SIGMOD 2022: heads sharing an input are fused so the input is read once per step). Weights are
 * stacked on a leading head axis, W [K, D, C], so MatMul broadcasting computes all heads' logits
 * [K, B, C] in one node and every head's arithmetic is the same as when it runs alone.
 */
export interface LinearGraphSpec {
  dims: number;
  classes: number;
  /** train-split mean and std per feature; standardization is part of the graph so exports keep it */
  mean: Float32Array;
  std: Float32Array;
}

export const LINEAR_STATE_NAMES = ['W', 'b', 'vW', 'vb'] as const;
export const LINEAR_HYPER_NAMES = ['lr', 'l2', 'momentum'] as const;
const OPSET = [{ domain: '', version: 17 }];

/** Xs = (X − mean) / std, with the statistics as initializers. */
export function standardize(g: GraphBuilder, x: string, spec: LinearGraphSpec): string {
  const mean = g.initializer('feature_mean', 'float32', [spec.dims], spec.mean);
  const std = g.initializer('feature_std', 'float32', [spec.dims], spec.std);
  return g.op('Div', [g.op('Sub', [x, mean]), std]);
}

/** logits [K, B, C] = Xs [B, D] · W [K, D, C] + b [K, 1, C]. */
export function linearLogits(g: GraphBuilder, xs: string, w: string, b: string): string {
  const b3 = g.op('Unsqueeze', [b, g.constInt64([1])]);
  return g.op('Add', [g.op('MatMul', [xs, w]), b3]);
}

interface CommonInputs {
  x: string;
  y: string;
  w: string;
  b: string;
}

function commonInputs(g: GraphBuilder, spec: LinearGraphSpec): CommonInputs {
  return {
    x: g.input('X', 'float32', ['B', spec.dims]),
    y: g.input('y', 'int64', ['B']),
    w: g.input('W', 'float32', ['K', spec.dims, spec.classes]),
    b: g.input('b', 'float32', ['K', spec.classes]),
  };
}

/** log-softmax over classes, the one-hot labels [B, C], and per head the summed log-likelihood [K]. */
function crossEntropy(g: GraphBuilder, logits: string, y: string, classes: number) {
  const logp = g.op('LogSoftmax', [logits], { axis: 2 });
  const onehot = g.op('OneHot', [y, g.constInt64([classes], []), g.constFloat([0, 1])], { axis: -1 });
  const logLikelihood = g.op('ReduceSum', [g.op('Mul', [onehot, logp]), g.constInt64([1, 2])], {
    keepdims: 0,
  });
  return { logp, onehot, logLikelihood };
}

/** Per-head count of rows whose arg-max class equals the label, as float32 [K]. */
function correctCount(g: GraphBuilder, pred: string, y: string, output: string): void {
  const hits = g.op('Cast', [g.op('Equal', [pred, y])], { to: 1 });
  g.op('ReduceSum', [hits, g.constInt64([1])], { keepdims: 0 }, output);
}

/**
 * One SGD-with-momentum step for K fused heads.
 * Inputs: X [B, D] raw features, y [B] int64, state W [K, D, C], b [K, C], vW, vb (same shapes),
 * hyper-parameters lr, l2, momentum [K, 1, 1].
 * Outputs: W_next, b_next, vW_next, vb_next, loss [K] (mean cross-entropy, without the L2 term),
 * correct [K].
 * Gradient in closed form: dlogits = (softmax − onehot) / B, dW = Xsᵀ·dlogits + l2·W, db = Σ_B dlogits;
 * v ← momentum·v + grad, θ ← θ − lr·v (PyTorch's SGD convention).
 */
export function buildFusedLinearTrainGraph(spec: LinearGraphSpec): Uint8Array {
  const g = new GraphBuilder('fused_linear_train');
  const { x, y, w, b } = commonInputs(g, spec);
  const vw = g.input('vW', 'float32', ['K', spec.dims, spec.classes]);
  const vb = g.input('vb', 'float32', ['K', spec.classes]);
  const lr = g.input('lr', 'float32', ['K', 1, 1]);
  const l2 = g.input('l2', 'float32', ['K', 1, 1]);
  const momentum = g.input('momentum', 'float32', ['K', 1, 1]);

  const xs = standardize(g, x, spec);
  const logits = linearLogits(g, xs, w, b);
  const { logp, onehot, logLikelihood } = crossEntropy(g, logits, y, spec.classes);
  const p = g.op('Exp', [logp]);
  const batch = g.op('Cast', [g.op('Gather', [g.op('Shape', [x]), g.constInt64([0], [])])], { to: 1 });

  g.op('Div', [g.op('Neg', [logLikelihood]), batch], undefined, 'loss');
  correctCount(g, g.op('ArgMax', [logits], { axis: 2, keepdims: 0 }), y, 'correct');

  const dlogits = g.op('Div', [g.op('Sub', [p, onehot]), batch]);
  const dw = g.op('Add', [g.op('MatMul', [g.op('Transpose', [xs]), dlogits]), g.op('Mul', [l2, w])]);
  // db = 1ᵀ·dlogits as a MatMul rather than a ReduceSum over the batch axis: ONNX Runtime picks a
  // different summation order for that reduction when K = 1, and fused heads must equal lone heads bit for bit.
  const batchDim = g.op('Slice', [g.op('Shape', [x]), g.constInt64([0]), g.constInt64([1])]);
  const ones = g.op('ConstantOfShape', [g.op('Concat', [g.constInt64([1]), batchDim], { axis: 0 })], {
    value: { tensor: { name: 'one', dtype: 'float32', dims: [1], data: Float32Array.from([1]) } },
  });
  const db = g.op('Squeeze', [g.op('MatMul', [ones, dlogits]), g.constInt64([1])]);

  const vwNext = g.op('Add', [g.op('Mul', [momentum, vw]), dw], undefined, nextName('vW'));
  g.op('Sub', [w, g.op('Mul', [lr, vwNext])], undefined, nextName('W'));
  const axis2 = g.constInt64([2]);
  const lrK = g.op('Squeeze', [lr, axis2]);
  const momentumK = g.op('Squeeze', [momentum, axis2]);
  const vbNext = g.op('Add', [g.op('Mul', [momentumK, vb]), db], undefined, nextName('vb'));
  g.op('Sub', [b, g.op('Mul', [lrK, vbNext])], undefined, nextName('b'));

  for (const name of LINEAR_STATE_NAMES) {
    const isBias = name === 'b' || name === 'vb';
    g.output(nextName(name), 'float32', isBias ? ['K', spec.classes] : ['K', spec.dims, spec.classes]);
  }
  g.output('loss', 'float32', ['K']);
  g.output('correct', 'float32', ['K']);
  return encodeModel({ graph: g.build(), opsets: OPSET, producerName: 'layerlab' });
}

/**
 * Evaluation of K fused heads on a batch: lossSum [K] (summed cross-entropy), correct [K] and
 * pred [K, B] int64 (arg-max class, for confusion matrices).
 */
export function buildLinearEvalGraph(spec: LinearGraphSpec): Uint8Array {
  const g = new GraphBuilder('fused_linear_eval');
  const { x, y, w, b } = commonInputs(g, spec);
  const logits = linearLogits(g, standardize(g, x, spec), w, b);
  const { logLikelihood } = crossEntropy(g, logits, y, spec.classes);
  g.op('Neg', [logLikelihood], undefined, 'lossSum');
  const pred = g.op('ArgMax', [logits], { axis: 2, keepdims: 0 }, 'pred');
  correctCount(g, pred, y, 'correct');
  g.output('lossSum', 'float32', ['K']);
  g.output('correct', 'float32', ['K']);
  g.output('pred', 'int64', ['K', 'B']);
  return encodeModel({ graph: g.build(), opsets: OPSET, producerName: 'layerlab' });
}

/** Zero weights: the loss is convex, so zero is a fine, seed-free start. */
export function initialLinearState(heads: number, dims: number, classes: number): GroupState {
  const matrix = () => ({ dims: [heads, dims, classes], data: new Float32Array(heads * dims * classes) });
  const vector = () => ({ dims: [heads, classes], data: new Float32Array(heads * classes) });
  return { W: matrix(), b: vector(), vW: matrix(), vb: vector() };
}

/** The group's hyper-parameter inputs for one epoch (1-based) of `epochs`. */
export function linearHyper(heads: readonly LinearHeadConfig[], epoch = 1, epochs = 1): HyperValues {
  return {
    lr: Float32Array.from(heads, (h) => learningRate(h, epoch, epochs)),
    l2: Float32Array.from(heads, (h) => h.l2),
    momentum: Float32Array.from(heads, (h) => h.momentum),
  };
}
