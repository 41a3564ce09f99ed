import { Rng } from '../src/core/random.js';

/** Rows of a feature matrix with their labels. */
export interface LabelledRows {
  dims: number;
  /** [rows, dims] */
  x: Float32Array;
  y: Int32Array;
}

export interface ProbeSettings {
  classes: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  l2: number;
  seed: number;
}

export const defaultProbe: Omit<ProbeSettings, 'classes'> = {
  epochs: 40,
  batchSize: 32,
  learningRate: 0.05,
  momentum: 0.9,
  l2: 1e-4,
  seed: 1,
};

/** Standardizes every split with the train split's per-dimension mean and std (in place). */
export function standardize(train: LabelledRows, ...others: LabelledRows[]): void {
  const { dims } = train;
  const rows = train.y.length;
  const mean = new Float64Array(dims);
  const sq = new Float64Array(dims);
  for (let r = 0; r < rows; r++)
    for (let d = 0; d < dims; d++) {
      const v = train.x[r * dims + d]!;
      mean[d]! += v / rows;
      sq[d]! += (v * v) / rows;
    }
  const std = mean.map((m, d) => Math.sqrt(Math.max(sq[d]! - m * m, 0)) || 1);
  for (const rowsOf of [train, ...others])
    for (let i = 0; i < rowsOf.x.length; i++) rowsOf.x[i] = (rowsOf.x[i]! - mean[i % dims]!) / std[i % dims]!;
}

/**
 * Multinomial logistic regression by mini-batch SGD with momentum, in plain JS: a probe, not a head.
 * Returns weights [classes, dims + 1] (bias last).
 */
export function trainLogistic(train: LabelledRows, settings: ProbeSettings): Float64Array {
  const { dims } = train;
  const { classes } = settings;
  const stride = dims + 1;
  const w = new Float64Array(classes * stride);
  const velocity = new Float64Array(w.length);
  const grad = new Float64Array(w.length);
  const rng = new Rng(settings.seed);
  const order = Array.from({ length: train.y.length }, (_v, i) => i);
  const scores = new Float64Array(classes);
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < order.length; start += settings.batchSize) {
      const end = Math.min(start + settings.batchSize, order.length);
      grad.fill(0);
      for (let b = start; b < end; b++) {
        const row = order[b]!;
        softmaxScores(w, train.x, row, dims, scores);
        scores[train.y[row]!]! -= 1;
        for (let k = 0; k < classes; k++) {
          const g = scores[k]! / (end - start);
          for (let d = 0; d < dims; d++) grad[k * stride + d]! += g * train.x[row * dims + d]!;
          grad[k * stride + dims]! += g;
        }
      }
      for (let i = 0; i < w.length; i++) {
        velocity[i] =
          settings.momentum * velocity[i]! - settings.learningRate * (grad[i]! + settings.l2 * w[i]!);
        w[i]! += velocity[i]!;
      }
    }
  }
  return w;
}

function softmaxScores(w: Float64Array, x: Float32Array, row: number, dims: number, out: Float64Array): void {
  const stride = dims + 1;
  let max = -Infinity;
  for (let k = 0; k < out.length; k++) {
    let s = w[k * stride + dims]!;
    for (let d = 0; d < dims; d++) s += w[k * stride + d]! * x[row * dims + d]!;
    out[k] = s;
    max = Math.max(max, s);
  }
  let sum = 0;
  for (let k = 0; k < out.length; k++) sum += out[k] = Math.exp(out[k]! - max);
  for (let k = 0; k < out.length; k++) out[k]! /= sum;
}

export function accuracy(w: Float64Array, rows: LabelledRows, classes: number): number {
  const scores = new Float64Array(classes);
  let correct = 0;
  for (let r = 0; r < rows.y.length; r++) {
    softmaxScores(w, rows.x, r, rows.dims, scores);
    let best = 0;
    for (let k = 1; k < classes; k++) if (scores[k]! > scores[best]!) best = k;
    if (best === rows.y[r]) correct++;
  }
  return correct / rows.y.length;
}
