import type { LinearGraphSpec } from './fused-linear-graph.js';

/**
 * Plain-TypeScript version of one fused linear SGD step (fused-linear-graph.ts), in float64, for
 * tests only: the ONNX graph must agree with it to float32 rounding.
 */
export interface ReferenceLinearState {
  W: Float64Array;
  b: Float64Array;
  vW: Float64Array;
  vb: Float64Array;
}

export interface ReferenceStepResult {
  state: ReferenceLinearState;
  loss: Float64Array;
  correct: Float64Array;
}

export function referenceLinearStep(
  spec: LinearGraphSpec,
  x: Float32Array,
  y: ArrayLike<number>,
  state: ReferenceLinearState,
  hyper: { lr: ArrayLike<number>; l2: ArrayLike<number>; momentum: ArrayLike<number> },
): ReferenceStepResult {
  const { dims: D, classes: C } = spec;
  const B = y.length;
  const K = hyper.lr.length;
  const xs = new Float64Array(B * D);
  for (let i = 0; i < B; i++)
    for (let d = 0; d < D; d++) xs[i * D + d] = (x[i * D + d]! - spec.mean[d]!) / spec.std[d]!;

  const next: ReferenceLinearState = {
    W: state.W.slice(),
    b: state.b.slice(),
    vW: state.vW.slice(),
    vb: state.vb.slice(),
  };
  const loss = new Float64Array(K);
  const correct = new Float64Array(K);
  const dlogits = new Float64Array(B * C);
  for (let k = 0; k < K; k++) {
    const w = state.W.subarray(k * D * C, (k + 1) * D * C);
    const b = state.b.subarray(k * C, (k + 1) * C);
    for (let i = 0; i < B; i++) {
      const logits = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        let sum = b[c]!;
        for (let d = 0; d < D; d++) sum += xs[i * D + d]! * w[d * C + c]!;
        logits[c] = sum;
      }
      let max = -Infinity;
      let argmax = 0;
      for (let c = 0; c < C; c++) {
        if (logits[c]! > max) [max, argmax] = [logits[c]!, c];
      }
      let sumExp = 0;
      for (let c = 0; c < C; c++) sumExp += Math.exp(logits[c]! - max);
      const label = y[i]!;
      loss[k] = loss[k]! - (logits[label]! - max - Math.log(sumExp)) / B;
      if (argmax === label) correct[k] = correct[k]! + 1;
      for (let c = 0; c < C; c++)
        dlogits[i * C + c] = (Math.exp(logits[c]! - max) / sumExp - (c === label ? 1 : 0)) / B;
    }
    const lr = hyper.lr[k]!;
    const momentum = hyper.momentum[k]!;
    for (let d = 0; d < D; d++) {
      for (let c = 0; c < C; c++) {
        let grad = hyper.l2[k]! * w[d * C + c]!;
        for (let i = 0; i < B; i++) grad += xs[i * D + d]! * dlogits[i * C + c]!;
        const at = k * D * C + d * C + c;
        next.vW[at] = momentum * state.vW[at]! + grad;
        next.W[at] = state.W[at]! - lr * next.vW[at];
      }
    }
    for (let c = 0; c < C; c++) {
      let grad = 0;
      for (let i = 0; i < B; i++) grad += dlogits[i * C + c]!;
      const at = k * C + c;
      next.vb[at] = momentum * state.vb[at]! + grad;
      next.b[at] = state.b[at]! - lr * next.vb[at];
    }
  }
  return { state: next, loss, correct };
}
