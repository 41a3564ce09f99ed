import type { GraphBuilder } from '../src/core/onnx/index.js';

export interface AdamSettings {
  /** @default 0.9 */
  beta1: number;
  /** @default 0.999 */
  beta2: number;
  /** @default 1e-8 */
  epsilon: number;
}

export const defaultAdam: AdamSettings = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

export interface AdamTensors {
  param: string;
  grad: string;
  m: string;
  v: string;
}

/**
 * Adds one Adam update (Kingma & Ba 2015, Alg. 1 with the step-size form of the bias correction):
 * `stepSize` is the scalar input lr·sqrt(1-β2^t)/(1-β1^t), computed by the caller each step (see
 * `adamStepSize`), so one graph serves every step and any schedule. The updated parameter and moments
 * are written to the tensor names in `outputs`.
 */
export function addAdamUpdate(
  g: GraphBuilder,
  t: AdamTensors,
  stepSize: string,
  outputs: { param: string; m: string; v: string },
  settings: AdamSettings = defaultAdam,
): void {
  const c = (x: number) => g.constFloat([x], []);
  const m = g.op(
    'Add',
    [g.op('Mul', [t.m, c(settings.beta1)]), g.op('Mul', [t.grad, c(1 - settings.beta1)])],
    undefined,
    outputs.m,
  );
  const g2 = g.op('Mul', [t.grad, t.grad]);
  const v = g.op(
    'Add',
    [g.op('Mul', [t.v, c(settings.beta2)]), g.op('Mul', [g2, c(1 - settings.beta2)])],
    undefined,
    outputs.v,
  );
  const denominator = g.op('Add', [g.op('Sqrt', [v]), c(settings.epsilon)]);
  const step = g.op('Mul', [g.op('Div', [m, denominator]), stepSize]);
  g.op('Sub', [t.param, step], undefined, outputs.param);
}

/** The bias-corrected step size for step `t` (1-based). */
export function adamStepSize(lr: number, t: number, settings: AdamSettings = defaultAdam): number {
  return (lr * Math.sqrt(1 - settings.beta2 ** t)) / (1 - settings.beta1 ** t);
}
