import type { GraphBuilder } from '../../core/onnx/index.js';
import { layerWidths, type HeadArch } from './head-arch.js';

/**
 * The forward pass of one stack of K heads, shared by the training and evaluation graphs. Weights are
 * stacked on a leading head axis (W [K, in, out]); the first layer of every head runs as one tall GEMM
 * over the shared batch and later layers as one batched MatMul, and each head's arithmetic is exactly
 * what it would be alone (Nautilus, SIGMOD 2022: heads that read the same input are fused so the input
 * is read once).
 */
export interface StackForward {
  /** per layer its input: Xs [B, D] for the first, then [K, B, H] */
  inputs: string[];
  /** per hidden layer its pre-activation [K, B, H] (for the ReLU gradient) */
  pre: string[];
  /** per hidden layer its dropout mask input [K, B, H] (0 or 1 / (1 − p)), when the stack has dropout */
  masks: string[];
  /** [K, B, C] */
  logits: string;
}

export const stackPrefix = (stack: number): string => `s${stack}/`;

/** (X − mean) / std in the graph, with the train-split statistics as initializers (e.g. for an exported head). */
export function standardize(
  g: GraphBuilder,
  x: string,
  dims: number,
  mean: Float32Array,
  std: Float32Array,
): string {
  const m = g.initializer('feature_mean', 'float32', [dims], mean);
  const s = g.initializer('feature_std', 'float32', [dims], std);
  return g.op('Div', [g.op('Sub', [x, m]), s]);
}

/** Declares the stack's weight inputs `s{i}/W{l}`, `s{i}/b{l}` and returns their names per layer. */
export function weightInputs(
  g: GraphBuilder,
  prefix: string,
  arch: HeadArch,
  dims: number,
  classes: number,
): { w: string[]; b: string[] } {
  const widths = layerWidths(arch, dims, classes);
  const k = `${prefix}K`;
  const w: string[] = [];
  const b: string[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    w.push(g.input(`${prefix}W${l}`, 'float32', [k, widths[l]!, widths[l + 1]!]));
    b.push(g.input(`${prefix}b${l}`, 'float32', [k, widths[l + 1]!]));
  }
  return { w, b };
}

/** The standardized batch as every stack's first layer reads it. */
export interface SharedInput {
  /** Xs [B, D] */
  xs: string;
  /** the batch size as an int64 [1] (for reshapes) */
  batchDim: string;
  dims: number;
}

export function sharedInput(g: GraphBuilder, x: string, xs: string, dims: number): SharedInput {
  const batchDim = g.op('Slice', [g.op('Shape', [x]), g.constInt64([0]), g.constInt64([1])]);
  return { xs, batchDim, dims };
}

const withBias = (g: GraphBuilder, y: string, b: string) =>
  g.op('Add', [y, g.op('Unsqueeze', [b, g.constInt64([1])])]);

/**
 * First layer of every head of a stack at once, as one wide GEMM: Wᵀ stacked to [K·out, D] times
 * Xsᵀ [D, B] (Gemm reads Xs transposed, without a copy). K only changes the GEMM's row count, so each head's rows are summed exactly as when it
 * runs alone (fused = alone, bit for bit), and the GEMM is K times taller instead of K narrow ones
 * (much faster for few classes). Returns [K, B, out].
 */
export function sharedInputLayer(
  g: GraphBuilder,
  input: SharedInput,
  w: string,
  b: string,
  out: number,
): string {
  const stacked = g.op('Reshape', [
    g.op('Transpose', [w], { perm: [0, 2, 1] }),
    g.constInt64([-1, input.dims]),
  ]);
  const product = g.op('Gemm', [stacked, input.xs], { transB: 1 }); // [K·out, B], Xs read transposed in place
  const shape = g.op('Concat', [g.constInt64([-1, out]), input.batchDim], { axis: 0 });
  return withBias(g, g.op('Transpose', [g.op('Reshape', [product, shape])], { perm: [0, 2, 1] }), b);
}

/** The first layer's weight gradient Xsᵀ·d for every head, as one wide GEMM dᵀ [K·out, B] · Xs [B, D]. */
export function sharedInputGradient(g: GraphBuilder, input: SharedInput, d: string, out: number): string {
  const rows = g.op('Concat', [g.constInt64([-1]), input.batchDim], { axis: 0 });
  const dT = g.op('Reshape', [g.op('Transpose', [d], { perm: [0, 2, 1] }), rows]);
  const product = g.op('MatMul', [dT, input.xs]); // [K·out, D]
  return g.op('Transpose', [g.op('Reshape', [product, g.constInt64([-1, out, input.dims])])], {
    perm: [0, 2, 1],
  });
}

export function stackForward(
  g: GraphBuilder,
  prefix: string,
  arch: HeadArch,
  input: SharedInput,
  classes: number,
  weights: { w: string[]; b: string[] },
  options: { masks: boolean },
): StackForward {
  const forward: StackForward = { inputs: [input.xs], pre: [], masks: [], logits: '' };
  let a = input.xs;
  // hidden layers past the first read a different input per head: one batched MatMul
  const layer = (l: number, out: number) =>
    l === 0
      ? sharedInputLayer(g, input, weights.w[0]!, weights.b[0]!, out)
      : withBias(g, g.op('MatMul', [a, weights.w[l]!]), weights.b[l]!);
  arch.hidden.forEach((units, l) => {
    const pre = layer(l, units);
    forward.pre.push(pre);
    a = g.op('Relu', [pre]);
    if (options.masks) {
      const mask = g.input(`${prefix}mask${l}`, 'float32', [`${prefix}K`, 'B', units]);
      forward.masks.push(mask);
      a = g.op('Mul', [a, mask]);
    }
    forward.inputs.push(a);
  });
  const last = arch.hidden.length;
  forward.logits = layer(last, classes);
  return forward;
}

/** log-softmax over classes [K, B, C] and the one-hot labels [B, C]. */
export function logSoftmax(g: GraphBuilder, logits: string): string {
  return g.op('LogSoftmax', [logits], { axis: 2 });
}

export function oneHot(g: GraphBuilder, y: string, classes: number): string {
  return g.op('OneHot', [y, g.constInt64([classes], []), g.constFloat([0, 1])], { axis: -1 });
}

/** The batch size as a float32 scalar. */
export function batchSize(g: GraphBuilder, x: string): string {
  return g.op('Cast', [g.op('Gather', [g.op('Shape', [x]), g.constInt64([0], [])])], { to: 1 });
}
