import type { GraphBuilder } from '../core/onnx/index.js';
import type { HeadBundle } from './head-bundle.js';
import type { GroupedHeads } from './grouped-heads.js';

/**
 * The grouped head as inference nodes: like `addHeadInference` (standardize with the train-split
 * statistics, which grouped training shares, then x·W + b per layer, ReLU between), but every layer's
 * weights are the G per-group copies and the shared head's stacked as [G + 1, in, out], and each
 * record's row is picked by its group id (`Gather`): ids 0…G−1 take that group's copy, any other id
 * (−1, or ≥ G: a group that has no head of its own) takes the shared head at index G. Uses only ops
 * of opset ≤ 11 with attributes unchanged since, so it appends to older backbones too.
 * `groupId` is an int64 [N] tensor. Returns the [N, classes] scores.
 */
export function addGroupedHeadInference(
  g: GraphBuilder,
  features: string,
  groupId: string,
  bundle: HeadBundle,
  heads: GroupedHeads,
): string {
  const { mean, std } = bundle.standardization;
  const G = heads.groups.length;
  let x = g.op('Div', [
    g.op('Sub', [features, g.initializer(g.fresh('head/feature_mean'), 'float32', [bundle.dims], mean)]),
    g.initializer(g.fresh('head/feature_std'), 'float32', [bundle.dims], std),
  ]);
  const outside = g.op('Or', [
    g.op('Less', [groupId, g.constInt64([0], [], 'head/zero')]),
    g.op('Greater', [groupId, g.constInt64([G - 1], [], 'head/last_group')]),
  ]);
  const route = g.op('Where', [outside, g.constInt64([G], [], 'head/shared_index'), groupId]);
  const layers = bundle.hidden.length + 1;
  for (let l = 0; l < layers; l++) {
    const shared = bundle.weights[`W${l}`];
    const sharedBias = bundle.weights[`b${l}`];
    if (!shared || !sharedBias) throw new Error(`head ${bundle.modelId} has no weights for layer ${l}`);
    const [inDim, outDim] = shared.dims as [number, number];
    const w = new Float32Array((G + 1) * inDim * outDim);
    const b = new Float32Array((G + 1) * outDim);
    heads.states.forEach((state, i) => {
      const gw = state[`W${l}`];
      const gb = state[`b${l}`];
      if (!gw || !gb || gw.data.length !== inDim * outDim || gb.data.length !== outDim)
        throw new Error(
          `head ${bundle.modelId}'s copy for group ${heads.groups[i]} does not match layer ${l}`,
        );
      w.set(gw.data, i * inDim * outDim);
      b.set(gb.data, i * outDim);
    });
    w.set(shared.data, G * inDim * outDim);
    b.set(sharedBias.data, G * outDim);
    const wStack = g.initializer(g.fresh(`head/W${l}_by_group`), 'float32', [G + 1, inDim, outDim], w);
    const bStack = g.initializer(g.fresh(`head/b${l}_by_group`), 'float32', [G + 1, outDim], b);
    // [N, 1, in] × [N, in, out]: each record through its own group's weights
    const rows = g.op('Reshape', [x, g.constInt64([-1, 1, inDim], [3], 'head/rows')]);
    const product = g.op('MatMul', [rows, g.op('Gather', [wStack, route], { axis: 0 })]);
    x = g.op('Add', [
      g.op('Reshape', [product, g.constInt64([-1, outDim], [2], 'head/flat')]),
      g.op('Gather', [bStack, route], { axis: 0 }),
    ]);
    if (l < layers - 1) x = g.op('Relu', [x]);
  }
  return x;
}
