import type { GraphBuilder } from '../core/onnx/index.js';
import { layerWidths, type HeadArch } from './head-arch.js';

/**
 * The forward pass of one stack of K heads, shared by the training and evaluation graphs. Weights are
 * stacked on a leading head axis (W [K, in, out]), so one batched MatMul runs every head of the stack
 * and each head's arithmetic is exactly what it would be alone (Nautilus, SIGMOD 2022: heads that
 * read the same input are fused so the input is read once).
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

/** Standardization is part of the graph (train-split mean and std as initializers), so exports keep it. */
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

/** y = x · W + b, with b [K, out] broadcast over the batch. */
function affine(g: GraphBuilder, x: string, w: string, b: string): string {
  return g.op('Add', [g.op('MatMul', [x, w]), g.op('Unsqueeze', [b, g.constInt64([1])])]);
}

export function stackForward(
  g: GraphBuilder,
  prefix: string,
  arch: HeadArch,
  xs: string,
  weights: { w: string[]; b: string[] },
  options: { masks: boolean },
): StackForward {
  const forward: StackForward = { inputs: [xs], pre: [], masks: [], logits: '' };
  let a = xs;
  arch.hidden.forEach((units, l) => {
    const pre = affine(g, a, weights.w[l]!, weights.b[l]!);
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
  forward.logits = affine(g, a, weights.w[last]!, weights.b[last]!);
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
