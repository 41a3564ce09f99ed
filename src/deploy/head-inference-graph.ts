import type { GraphBuilder } from '../core/onnx/index.js';
import type { HeadBundle } from './head-bundle.js';

/**
 * One trained head as inference nodes: standardize with the train-split statistics, then each layer
 * x·W + b (ReLU between layers; dropout is off at inference). Weights become initializers, so the
 * nodes can be appended to a backbone (export-head) or run alone on stored features (predict).
 * Returns the [N, classes] scores tensor.
 */
export function addHeadInference(g: GraphBuilder, features: string, bundle: HeadBundle): string {
  const { mean, std } = bundle.standardization;
  let x = g.op('Div', [
    g.op('Sub', [features, g.initializer(g.fresh('head/feature_mean'), 'float32', [bundle.dims], mean)]),
    g.initializer(g.fresh('head/feature_std'), 'float32', [bundle.dims], std),
  ]);
  const layers = bundle.hidden.length + 1;
  for (let l = 0; l < layers; l++) {
    const w = bundle.weights[`W${l}`];
    const b = bundle.weights[`b${l}`];
    if (!w || !b) throw new Error(`head ${bundle.modelId} has no weights for layer ${l}`);
    const wName = g.initializer(g.fresh(`head/W${l}`), 'float32', w.dims, w.data);
    const bName = g.initializer(g.fresh(`head/b${l}`), 'float32', b.dims, b.data);
    x = g.op('Add', [g.op('MatMul', [x, wName]), bName]);
    if (l < layers - 1) x = g.op('Relu', [x]);
  }
  return x;
}
