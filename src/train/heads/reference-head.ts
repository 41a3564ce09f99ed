import { layerWidths, type HeadArch } from './head-arch.js';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON } from './head-graph-optimizer.js';

/**
 * Plain-TypeScript version of one head's training step (head-graph.ts), in float64, for tests only:
 * the ONNX graph must agree with it to float32 rounding. Same conventions: standardized inputs,
 * ReLU hidden layers with given dropout masks, class-weighted mean cross-entropy, L2 on weights in
 * the gradient, SGD with momentum or Adam.
 */
export type ReferenceState = Record<string, Float64Array>;

export interface ReferenceHyper {
  lr: number;
  l2: number;
  momentum: number;
  /** per class */
  classWeights: readonly number[];
}

export interface ReferenceStepResult {
  state: ReferenceState;
  loss: number;
  correct: number;
}

export interface ReferenceSpec {
  dims: number;
  classes: number;
  mean: Float32Array;
  std: Float32Array;
}

/** a [n, in] · W [in, out] + b */
function affine(a: Float64Array, n: number, w: Float64Array, b: Float64Array, inW: number, outW: number) {
  const out = new Float64Array(n * outW);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < outW; o++) {
      let sum = b[o]!;
      for (let j = 0; j < inW; j++) sum += a[i * inW + j]! * w[j * outW + o]!;
      out[i * outW + o] = sum;
    }
  return out;
}

export function referenceStep(
  spec: ReferenceSpec,
  arch: HeadArch,
  x: Float32Array,
  y: ArrayLike<number>,
  state: ReferenceState,
  hyper: ReferenceHyper,
  /** per hidden layer [B, H] */
  masks: readonly Float32Array[] = [],
): ReferenceStepResult {
  const { dims: D, classes: C } = spec;
  const B = y.length;
  const widths = layerWidths(arch, D, C);
  const L = widths.length - 1;
  const xs = new Float64Array(B * D);
  for (let i = 0; i < B; i++)
    for (let d = 0; d < D; d++) xs[i * D + d] = (x[i * D + d]! - spec.mean[d]!) / spec.std[d]!;

  const inputs: Float64Array[] = [xs];
  const pre: Float64Array[] = [];
  let a = xs;
  for (let l = 0; l < L - 1; l++) {
    const z = affine(a, B, state[`W${l}`]!, state[`b${l}`]!, widths[l]!, widths[l + 1]!);
    pre.push(z);
    a = z.map((v, i) => (v > 0 ? v : 0) * (arch.dropout ? masks[l]![i]! : 1));
    inputs.push(a);
  }
  const logits = affine(a, B, state[`W${L - 1}`]!, state[`b${L - 1}`]!, widths[L - 1]!, C);

  let loss = 0;
  let correct = 0;
  let d = new Float64Array(B * C);
  for (let i = 0; i < B; i++) {
    let max = -Infinity;
    let argmax = 0;
    for (let c = 0; c < C; c++) if (logits[i * C + c]! > max) [max, argmax] = [logits[i * C + c]!, c];
    let sumExp = 0;
    for (let c = 0; c < C; c++) sumExp += Math.exp(logits[i * C + c]! - max);
    const label = y[i]!;
    const weight = hyper.classWeights[label]!;
    loss -= (weight * (logits[i * C + label]! - max - Math.log(sumExp))) / B;
    if (argmax === label) correct++;
    for (let c = 0; c < C; c++)
      d[i * C + c] = ((Math.exp(logits[i * C + c]! - max) / sumExp - (c === label ? 1 : 0)) * weight) / B;
  }

  const next: ReferenceState = {};
  for (const [name, t] of Object.entries(state)) next[name] = t.slice();
  const step = arch.optimizer === 'adam' ? state.t![0]! + 1 : 0;
  if (arch.optimizer === 'adam') next.t = Float64Array.of(step);
  const update = (name: string, grad: Float64Array) => {
    const theta = next[name]!;
    const v = next[`v${name}`]!;
    if (arch.optimizer === 'sgd') {
      for (let i = 0; i < theta.length; i++) {
        v[i] = hyper.momentum * v[i]! + grad[i]!;
        theta[i] = theta[i]! - hyper.lr * v[i]!;
      }
      return;
    }
    const m = next[`m${name}`]!;
    const stepSize = hyper.lr / (1 - ADAM_BETA1 ** step);
    const bias2 = Math.sqrt(1 - ADAM_BETA2 ** step);
    for (let i = 0; i < theta.length; i++) {
      m[i] = ADAM_BETA1 * m[i]! + (1 - ADAM_BETA1) * grad[i]!;
      v[i] = ADAM_BETA2 * v[i]! + (1 - ADAM_BETA2) * grad[i]! * grad[i]!;
      theta[i] = theta[i]! - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bias2 + ADAM_EPSILON);
    }
  };

  for (let l = L - 1; l >= 0; l--) {
    const inW = widths[l]!;
    const outW = widths[l + 1]!;
    const w = state[`W${l}`]!;
    const input = inputs[l]!;
    const dw = new Float64Array(inW * outW);
    const db = new Float64Array(outW);
    for (let j = 0; j < inW; j++)
      for (let o = 0; o < outW; o++) {
        let sum = hyper.l2 * w[j * outW + o]!;
        for (let i = 0; i < B; i++) sum += input[i * inW + j]! * d[i * outW + o]!;
        dw[j * outW + o] = sum;
      }
    for (let o = 0; o < outW; o++) for (let i = 0; i < B; i++) db[o] = db[o]! + d[i * outW + o]!;
    if (l > 0) {
      const below = new Float64Array(B * inW);
      for (let i = 0; i < B; i++)
        for (let j = 0; j < inW; j++) {
          let sum = 0;
          for (let o = 0; o < outW; o++) sum += d[i * outW + o]! * w[j * outW + o]!;
          const mask = arch.dropout ? masks[l - 1]![i * inW + j]! : 1;
          below[i * inW + j] = pre[l - 1]![i * inW + j]! > 0 ? sum * mask : 0;
        }
      d = below;
    }
    update(`W${l}`, dw);
    update(`b${l}`, db);
  }
  return { state: next, loss, correct };
}
