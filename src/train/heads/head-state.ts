import { Rng } from '../../core/random.js';
import { optimizerShapes, parameterShapes, type HeadArch } from './head-arch.js';
import { stackPrefix } from './head-graph-forward.js';
import type { GroupState, StateTensor } from './group-state.js';

/** One model's state: its tensors without the head axis (W0 [D, H], …, optimizer buffers). */
export type ModelState = Record<string, StateTensor>;

const sizeOf = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * A head's starting state. Logistic regression starts at zero (its loss is convex, and zero is
 * seed-free). MLP hidden layers use He-uniform weights (He et al. 2015, for ReLU) and the output layer
 * Glorot-uniform, biases zero, drawn from a stream of the run seed and the model id, so a model's
 * start does not depend on which group or worker trains it. Optimizer buffers start at zero.
 */
export function initialModelState(
  arch: HeadArch,
  dims: number,
  classes: number,
  seed: number,
  modelId: string,
): ModelState {
  const rng = Rng.derive(seed, `init/${modelId}`);
  const state: ModelState = {};
  const params = parameterShapes(arch, dims, classes);
  const last = arch.hidden.length;
  for (const [name, shape] of Object.entries(params)) {
    const data = new Float32Array(sizeOf(shape));
    if (name.startsWith('W') && arch.hidden.length > 0) {
      const [fanIn, fanOut] = shape as [number, number];
      const bound = name === `W${last}` ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(6 / fanIn);
      for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-bound, bound);
    }
    state[name] = { dims: shape, data };
  }
  return { ...state, ...zeroOptimizerState(arch, dims, classes) };
}

export function zeroOptimizerState(arch: HeadArch, dims: number, classes: number): ModelState {
  const state: ModelState = {};
  for (const [name, shape] of Object.entries(optimizerShapes(arch, dims, classes)))
    state[name] = { dims: shape, data: new Float32Array(sizeOf(shape)) };
  return state;
}

/** The weights of a model with fresh optimizer buffers (a warm start: clone with new settings). */
export function warmStart(source: ModelState, arch: HeadArch, dims: number, classes: number): ModelState {
  const state: ModelState = {};
  for (const name of Object.keys(parameterShapes(arch, dims, classes))) {
    const t = source[name];
    if (!t) throw new Error(`warm start: the source model has no ${name}`);
    state[name] = { dims: [...t.dims], data: t.data.slice() };
  }
  return { ...state, ...zeroOptimizerState(arch, dims, classes) };
}

/** Stacks the models' states of stack `stack` into group tensors `s{stack}/name` [K, ...]. */
export function packStack(stack: number, models: readonly ModelState[], into: GroupState = {}): GroupState {
  const prefix = stackPrefix(stack);
  for (const name of Object.keys(models[0] ?? {})) {
    const dims = models[0]![name]!.dims;
    const size = sizeOf(dims);
    const data = new Float32Array(size * models.length);
    models.forEach((m, k) => data.set(m[name]!.data, k * size));
    into[`${prefix}${name}`] = { dims: [models.length, ...dims], data };
  }
  return into;
}

/** The inverse of packStack: each head's slice of stack `stack`, as its own copies. */
export function unpackStack(stack: number, heads: number, state: GroupState): ModelState[] {
  const prefix = stackPrefix(stack);
  const models: ModelState[] = Array.from({ length: heads }, () => ({}));
  for (const [full, t] of Object.entries(state)) {
    if (!full.startsWith(prefix)) continue;
    const name = full.slice(prefix.length);
    const size = t.data.length / heads;
    models.forEach((m, k) => {
      m[name] = { dims: t.dims.slice(1), data: t.data.slice(k * size, (k + 1) * size) };
    });
  }
  return models;
}
