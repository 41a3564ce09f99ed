import type { LayersModel, SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import { badModel } from '../core/errors.js';
import type { Dim } from '../core/onnx/index.js';
import { DEFAULT_POOLING, pooledDims, type CapturePoint, type PointLayout } from './capture-point.js';
import type { TfjsModel } from './tfjs-model.js';
import type { Tf } from './tfjs-runtime.js';

/**
 * Keras names layers `<block>_<part>` (`block1_conv1`, `conv_pw_3_relu`, `block_2_expand`): the
 * block is the name up to its first number followed by `_`, else the layer itself (`dense_1`).
 */
export function kerasBlock(layerName: string): string {
  return /^(.*?\d+)_/.exec(layerName)?.[1] ?? layerName;
}

/** A LayersModel: every layer's output is a capture point; one sub-model returns any set of them. */
export function layersModel(tf: Tf, model: LayersModel, ref: string): TfjsModel {
  if (model.inputs.length !== 1)
    throw badModel(`${ref} has ${model.inputs.length} inputs; layerlab feeds TF.js models one image input`);
  const input = model.inputs[0]!;
  const symbolic = new Map<string, SymbolicTensor>();
  const points: CapturePoint[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const outputs = ([] as SymbolicTensor[]).concat(layer.output);
    outputs.forEach((output, i) => {
      if (output.dtype !== 'float32' || output.shape.length < 2) return;
      const name = outputs.length === 1 ? layer.name : `${layer.name}:${i}`;
      const shape: Dim[] = output.shape.map((d, axis) => (axis === 0 ? 'N' : (d ?? null)));
      const config = layer.getConfig() as { dataFormat?: string };
      const layout: PointLayout =
        shape.length <= 2
          ? 'vector'
          : shape.length === 3
            ? 'tokens'
            : config.dataFormat === 'channelsFirst'
              ? 'channels-first'
              : 'channels-last';
      const point: CapturePoint = {
        name,
        op: layer.getClassName(),
        block: kerasBlock(layer.name),
        shape,
        size: pooledDims({ shape }, 'none'),
        pooledSize: 0,
        layout,
      };
      point.pooledSize = pooledDims(point, DEFAULT_POOLING);
      points.push(point);
      symbolic.set(name, output);
    });
  }
  return {
    input: { name: input.name, shape: input.shape.map((d, axis) => (axis === 0 ? 'N' : (d ?? null))) },
    points,
    runner(selected) {
      const sub = tf.model({ inputs: model.inputs, outputs: selected.map((p) => symbolic.get(p.name)!) });
      return (x: Tensor) => {
        const out = sub.predict(x, { batchSize: x.shape[0] });
        return Promise.resolve(([] as Tensor[]).concat(out));
      };
    },
  };
}
