import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import { gridSize, pointLayout, type CapturePoint, type Pooling } from './capture-point.js';
import { gridMatrix } from './pooling-graph.js';
import type { Tf } from './tfjs-runtime.js';

/**
 * Pools one captured TF.js tensor to [N, F] with TF.js ops, so only pooled values are read back,
 * with the same semantics as the ONNX in-graph pooling (docs/contract.md, "Pooling"). Call inside tf.tidy.
 */
export function poolTensor(tf: Tf, t: Tensor, point: CapturePoint, pooling: Pooling): Tensor2D {
  const n = t.shape[0];
  const layout = pointLayout(point);
  if (layout === 'vector' || pooling === 'none') return tf.reshape(t, [n, -1]);
  if (layout === 'tokens') {
    if (pooling === 'cls') return tf.reshape(tf.slice(t, [0, 0, 0], [n, 1, -1]), [n, -1]);
    return pooling === 'max' ? tf.max(t, 1) : tf.mean(t, 1);
  }
  // Conv maps: move channels last so one code path serves both layouts.
  const map = layout === 'channels-first' ? tf.transpose(t, [0, 2, 3, 1]) : t;
  const [, h, w, c] = map.shape as [number, number, number, number];
  const k = gridSize(pooling);
  if (k === undefined) return pooling === 'max' ? tf.max(map, [1, 2]) : tf.mean(map, [1, 2]);
  // [N, H, W, C] -> [N·C, H·W] · [H·W, K·K] -> [N, C·K·K], channel-major like the ONNX path.
  const rows = tf.reshape(tf.transpose(map, [0, 3, 1, 2]), [n * c, h * w]);
  const pooled = tf.matMul(rows, tf.tensor2d(gridMatrix(h, w, k), [h * w, k * k]));
  return tf.reshape(pooled, [n, c * k * k]);
}
