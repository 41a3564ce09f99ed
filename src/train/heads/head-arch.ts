import type { ResolvedHead } from './head-config.js';

/**
 * What a head's graph looks like, apart from its hyper-parameters: heads with the same architecture
 * and optimizer stack their tensors on a leading head axis and run as one "stack" of a fused graph.
 */
export interface HeadArch {
  /** units per hidden layer; [] for logistic regression */
  hidden: number[];
  optimizer: 'sgd' | 'adam';
  /** whether the graph takes dropout masks (any head of the stack has dropout > 0) */
  dropout: boolean;
}

export function headArch(head: ResolvedHead): HeadArch {
  return { hidden: [...head.hidden], optimizer: head.optimizer, dropout: head.dropout > 0 };
}

export const archKey = (arch: HeadArch): string =>
  `${arch.hidden.join('x') || 'linear'}/${arch.optimizer}${arch.dropout ? '/dropout' : ''}`;

/** Layer widths from input to output: [dims, ...hidden, classes]. */
export const layerWidths = (arch: HeadArch, dims: number, classes: number): number[] => [
  dims,
  ...arch.hidden,
  classes,
];

/** Trainable tensors of one head, by name, with their shapes (without the head axis). */
export function parameterShapes(arch: HeadArch, dims: number, classes: number): Record<string, number[]> {
  const widths = layerWidths(arch, dims, classes);
  const shapes: Record<string, number[]> = {};
  for (let l = 0; l + 1 < widths.length; l++) {
    shapes[`W${l}`] = [widths[l]!, widths[l + 1]!];
    shapes[`b${l}`] = [widths[l + 1]!];
  }
  return shapes;
}

/**
 * Optimizer buffers per parameter: SGD keeps a velocity `v`, Adam first and second moments `m`, `v`
 * and a step count `t` per head.
 */
export function optimizerShapes(arch: HeadArch, dims: number, classes: number): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const [name, shape] of Object.entries(parameterShapes(arch, dims, classes))) {
    if (arch.optimizer === 'adam') shapes[`m${name}`] = shape;
    shapes[`v${name}`] = shape;
  }
  if (arch.optimizer === 'adam') shapes.t = [1, 1];
  return shapes;
}

/** Every state tensor of one head: parameters, then optimizer buffers. */
export function stateShapes(arch: HeadArch, dims: number, classes: number): Record<string, number[]> {
  return { ...parameterShapes(arch, dims, classes), ...optimizerShapes(arch, dims, classes) };
}

/** Float32 bytes one head of this stack needs per training step with batch size `batch`. */
export function headBytes(arch: HeadArch, dims: number, classes: number, batch: number): number {
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  const params = Object.values(parameterShapes(arch, dims, classes)).reduce((n, s) => n + size(s), 0);
  const buffers = Object.values(optimizerShapes(arch, dims, classes)).reduce((n, s) => n + size(s), 0);
  // state in and out, gradients, and per layer activations (pre-activation, output, mask, gradient)
  const activations = batch * (arch.hidden.reduce((a, b) => a + b, 0) + classes) * 4;
  return 4 * (2 * (params + buffers) + params + activations);
}

/** Multiply-adds per example for one training step of one head (forward and backward). */
export function headFlops(arch: HeadArch, dims: number, classes: number): number {
  const widths = layerWidths(arch, dims, classes);
  let macs = 0;
  for (let l = 0; l + 1 < widths.length; l++) macs += widths[l]! * widths[l + 1]!;
  return 3 * macs;
}
