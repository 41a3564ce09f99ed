import type { GraphBuilder } from '../core/onnx/index.js';

/**
 * Nodes added to a user's graph must be valid in the opset that graph imports: several ops moved
 * their axes from an attribute to an input (ReduceSum and Unsqueeze in 13, ReduceMean and ReduceMax
 * in 18). These helpers write whichever form `opset` needs.
 */
export class OpsetOps {
  constructor(
    readonly g: GraphBuilder,
    readonly opset: number,
  ) {}

  reduce(op: 'ReduceMean' | 'ReduceMax' | 'ReduceSum', x: string, axes: number[], keepdims = 0): string {
    const axesAsInput = op === 'ReduceSum' ? this.opset >= 13 : this.opset >= 18;
    return axesAsInput
      ? this.g.op(op, [x, this.g.constInt64(axes, [axes.length], 'axes')], { keepdims })
      : this.g.op(op, [x], { axes, keepdims });
  }

  unsqueeze(x: string, axes: number[]): string {
    return this.opset >= 13
      ? this.g.op('Unsqueeze', [x, this.g.constInt64(axes, [axes.length], 'axes')])
      : this.g.op('Unsqueeze', [x], { axes });
  }

  reshape(x: string, shape: number[]): string {
    return this.g.op('Reshape', [x, this.g.constInt64(shape, [shape.length], 'shape')]);
  }

  /** Element `index` along `axis`, dropping that axis (a scalar index). */
  pick(x: string, axis: number, index: number): string {
    return this.g.op('Gather', [x, this.g.constInt64([index], [], 'index')], { axis });
  }

  toFloat(x: string): string {
    return this.g.op('Cast', [x], { to: 1 });
  }

  flatten(x: string): string {
    return this.g.op('Flatten', [x], { axis: 1 });
  }
}
