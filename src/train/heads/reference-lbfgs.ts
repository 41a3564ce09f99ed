/**
 * A well-converged reference solver for multinomial logistic regression, for tests and benchmarks
 * only: full-batch L-BFGS (Nocedal & Wright, Numerical Optimization, Alg. 7.4, memory 10) with a
 * backtracking Armijo line search, in float64, on the same standardized features and the same
 * objective the heads minimise: mean cross-entropy + (l2 / 2)·‖W‖² (biases unpenalised). The
 * objective is strictly convex for l2 > 0, so "converged" means the one optimum.
 */
export interface LbfgsProblem {
  /** standardized features, row-major [n, d] */
  x: Float64Array;
  y: ArrayLike<number>;
  n: number;
  d: number;
  classes: number;
  l2: number;
}

export interface LbfgsResult {
  /** [d, classes] then [classes] */
  weights: Float64Array;
  bias: Float64Array;
  iterations: number;
  /** ‖∇f‖∞ at the end */
  gradientNorm: number;
  objective: number;
}

/** f and ∇f at θ = [W (d×C), b (C)]. */
function objective(p: LbfgsProblem, theta: Float64Array, grad: Float64Array): number {
  const { x, y, n, d, classes: C } = p;
  grad.fill(0);
  const logits = new Float64Array(C);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let c = 0; c < C; c++) logits[c] = theta[d * C + c]!;
    for (let j = 0; j < d; j++) {
      const v = x[row + j]!;
      if (v === 0) continue;
      const w = j * C;
      for (let c = 0; c < C; c++) logits[c] = logits[c]! + v * theta[w + c]!;
    }
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[c]!);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[c]! - max);
    const label = y[i]!;
    loss += Math.log(sum) + max - logits[label]!;
    for (let c = 0; c < C; c++) logits[c] = (Math.exp(logits[c]! - max) / sum - (c === label ? 1 : 0)) / n;
    for (let j = 0; j < d; j++) {
      const v = x[row + j]!;
      if (v === 0) continue;
      const w = j * C;
      for (let c = 0; c < C; c++) grad[w + c] = grad[w + c]! + v * logits[c]!;
    }
    for (let c = 0; c < C; c++) grad[d * C + c] = grad[d * C + c]! + logits[c]!;
  }
  let penalty = 0;
  for (let k = 0; k < d * C; k++) {
    penalty += theta[k]! * theta[k]!;
    grad[k] = grad[k]! + p.l2 * theta[k]!;
  }
  return loss / n + (p.l2 / 2) * penalty;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const normInf = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

export function solveLbfgs(
  p: LbfgsProblem,
  options: { tolerance?: number; maxIterations?: number } = {},
): LbfgsResult {
  const { tolerance = 1e-6, maxIterations = 2000 } = options;
  const size = (p.d + 1) * p.classes;
  let theta = new Float64Array(size);
  let grad = new Float64Array(size);
  let f = objective(p, theta, grad);
  const history: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  let iterations = 0;
  for (; iterations < maxIterations && normInf(grad) > tolerance; iterations++) {
    // two-loop recursion: direction = −H·∇f
    const q = grad.slice();
    const alphas: number[] = [];
    for (let k = history.length - 1; k >= 0; k--) {
      const { s, y, rho } = history[k]!;
      const a = rho * dot(s, q);
      alphas[k] = a;
      for (let i = 0; i < size; i++) q[i] = q[i]! - a * y[i]!;
    }
    const last = history.at(-1);
    const gamma = last ? dot(last.s, last.y) / dot(last.y, last.y) : 1 / Math.max(1, normInf(grad));
    for (let i = 0; i < size; i++) q[i] = q[i]! * gamma;
    for (let k = 0; k < history.length; k++) {
      const { s, y, rho } = history[k]!;
      const b = rho * dot(y, q);
      for (let i = 0; i < size; i++) q[i] = q[i]! + s[i]! * (alphas[k]! - b);
    }
    const direction = q.map((v) => -v);
    let slope = dot(grad, direction);
    if (slope >= 0) {
      // not a descent direction (numerical trouble): restart from steepest descent
      history.length = 0;
      for (let i = 0; i < size; i++) direction[i] = -grad[i]!;
      slope = dot(grad, direction);
    }
    let step = 1;
    const nextGrad = new Float64Array(size);
    let next = theta;
    let fNext = f;
    for (let tries = 0; tries < 50; tries++, step /= 2) {
      next = theta.map((v, i) => v + step * direction[i]!);
      fNext = objective(p, next, nextGrad);
      if (fNext <= f + 1e-4 * step * slope) break;
    }
    const s = next.map((v, i) => v - theta[i]!);
    const y = nextGrad.map((v, i) => v - grad[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12) {
      history.push({ s, y, rho: 1 / sy });
      if (history.length > 10) history.shift();
    }
    theta = next;
    grad = nextGrad;
    f = fNext;
  }
  return {
    weights: theta.subarray(0, p.d * p.classes),
    bias: theta.subarray(p.d * p.classes),
    iterations,
    gradientNorm: normInf(grad),
    objective: f,
  };
}

/** Accuracy of a solved model on standardized rows. */
export function lbfgsAccuracy(
  model: LbfgsResult,
  x: Float64Array,
  y: ArrayLike<number>,
  d: number,
  classes: number,
): number {
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    let best = -Infinity;
    let arg = 0;
    for (let c = 0; c < classes; c++) {
      let z = model.bias[c]!;
      for (let j = 0; j < d; j++) z += x[i * d + j]! * model.weights[j * classes + c]!;
      if (z > best) [best, arg] = [z, c];
    }
    if (arg === y[i]) correct++;
  }
  return correct / y.length;
}
