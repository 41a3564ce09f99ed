import type { GraphBuilder } from '../../core/onnx/index.js';
import { nextName } from './group-state.js';

/** Adam's fixed constants (Kingma & Ba, ICLR 2015, the defaults every framework uses). */
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

/**
 * Per-stack optimizer hyper-parameter inputs, each [K, 1, 1] so they broadcast over a head's weight
 * matrices; `squeezed` gives the [K, 1] form for biases.
 */
export interface OptimizerInputs {
  lr: string;
  momentum?: string;
  /** Adam only: lr / (1 − β1ᵗ) and √(1 − β2ᵗ) for this step, [K, 1, 1] */
  stepSize?: string;
  bias2?: string;
}

/**
 * Adds the optimizer update of one parameter to the graph: reads `prefix + name`, its buffers and the
 * gradient, writes `nextName(...)` for the parameter and every buffer.
 * SGD (PyTorch convention): v ← μ·v + g, θ ← θ − lr·v.
 * Adam (PyTorch's arrangement of the bias corrections): m ← β1·m + (1 − β1)·g,
 * v ← β2·v + (1 − β2)·g², θ ← θ − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε).
 */
export function applyUpdate(
  g: GraphBuilder,
  prefix: string,
  name: string,
  gradient: string,
  hyper: OptimizerInputs,
  rank: 2 | 3,
  gate?: string,
): void {
  const param = `${prefix}${name}`;
  // biases are [K, out]: squeeze the hyper-parameters' last axis to [K, 1]
  const shaped = (h: string) => (rank === 3 ? h : g.op('Squeeze', [h, g.constInt64([2])]));
  // With a gate (grouped heads: a group with no rows in this step) every next value is
  // Where(gate, updated, old), so an idle group's weights and buffers keep their exact bits.
  const emit = (value: string, old: string) =>
    gate ? g.op('Where', [gate, value, old], undefined, nextName(old)) : value;
  const named = (old: string) => (gate ? undefined : nextName(old));
  const v = `${prefix}v${name}`;
  if (hyper.stepSize === undefined) {
    const vNext = g.op('Add', [g.op('Mul', [shaped(hyper.momentum!), v]), gradient], undefined, named(v));
    emit(vNext, v);
    emit(g.op('Sub', [param, g.op('Mul', [shaped(hyper.lr), vNext])], undefined, named(param)), param);
    return;
  }
  const m = `${prefix}m${name}`;
  const mNext = g.op(
    'Add',
    [
      g.op('Mul', [g.constFloat([ADAM_BETA1], []), m]),
      g.op('Mul', [g.constFloat([1 - ADAM_BETA1], []), gradient]),
    ],
    undefined,
    named(m),
  );
  emit(mNext, m);
  const vNext = g.op(
    'Add',
    [
      g.op('Mul', [g.constFloat([ADAM_BETA2], []), v]),
      g.op('Mul', [g.constFloat([1 - ADAM_BETA2], []), g.op('Mul', [gradient, gradient])]),
    ],
    undefined,
    named(v),
  );
  emit(vNext, v);
  const denominator = g.op('Add', [
    g.op('Div', [g.op('Sqrt', [vNext]), shaped(hyper.bias2!)]),
    g.constFloat([ADAM_EPSILON], []),
  ]);
  const step = g.op('Mul', [shaped(hyper.stepSize), g.op('Div', [mNext, denominator])]);
  emit(g.op('Sub', [param, step], undefined, named(param)), param);
}

/**
 * Adam's per-step factors from the step count state `t` [K, 1, 1]: t ← t + 1, then lr / (1 − β1ᵗ)
 * and √(1 − β2ᵗ). With a gate, t only counts the steps its group took.
 */
export function adamStep(g: GraphBuilder, prefix: string, lr: string, gate?: string): OptimizerInputs {
  const t = `${prefix}t`;
  const tNext = g.op('Add', [t, g.constFloat([1], [])], undefined, gate ? undefined : nextName(t));
  if (gate) g.op('Where', [gate, tNext, t], undefined, nextName(t));
  const one = g.constFloat([1], []);
  const bias1 = g.op('Sub', [one, g.op('Pow', [g.constFloat([ADAM_BETA1], []), tNext])]);
  const bias2 = g.op('Sqrt', [g.op('Sub', [one, g.op('Pow', [g.constFloat([ADAM_BETA2], []), tNext])])]);
  return { lr, stepSize: g.op('Div', [lr, bias1]), bias2 };
}
