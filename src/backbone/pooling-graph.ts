import type { GraphBuilder } from '../core/onnx/index.js';
import type { CapturePoint, Pooling } from './capture-point.js';

/**
 * Adds in-graph pooling for one capture point and returns the name of a [N, F] output, so only
 * pooled values cross into JavaScript. Global pooling ops exist in every opset, unlike ReduceMean
 * whose axes moved from attribute to input in opset 18.
 */
export function addPooling(g: GraphBuilder, point: CapturePoint, pooling: Pooling): string {
  const rank = point.shape.length;
  if (rank <= 2) return g.op('Identity', [point.name]);
  if (pooling === 'none' || rank !== 4) return g.op('Flatten', [point.name], { axis: 1 });
  const pooled = g.op(pooling === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool', [point.name]);
  return g.op('Flatten', [pooled], { axis: 1 });
}
