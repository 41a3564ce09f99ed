import { encodeModel, GraphBuilder, type ValueInfoSpec } from '../src/core/onnx/index.js';
import { blockSides, parameterSpecs, type CnnArchitecture } from './cnn-architecture.js';
import { addForward } from './cnn-forward.js';
import { opset } from './train-step-graph.js';

export interface InferenceModelOptions {
  /** written as the model's doc string */
  description: string;
  /** ONNX metadata_props, e.g. class names and preprocessing */
  metadata: Record<string, string>;
}

/**
 * The shipped model: input `image` [N, 3, H, W] float32 in [0, 1], output `logits` [N, classes],
 * weights as initializers, and the same forward graph (and tensor names) the training step used.
 * Intermediate shapes are declared as value_info so tools can list layers without running the model.
 */
export function buildInferenceModel(
  arch: CnnArchitecture,
  params: readonly Float32Array[],
  options: InferenceModelOptions,
): Uint8Array {
  const g = new GraphBuilder('shapes_cnn');
  const image = g.input('image', 'float32', ['N', arch.inputChannels, arch.imageSize, arch.imageSize]);
  const names = parameterSpecs(arch).map((spec, i) =>
    g.initializer(spec.name, 'float32', spec.dims, params[i]!),
  );
  const fwd = addForward(g, arch, image, names);
  g.output(fwd.logits, 'float32', ['N', arch.classes]);

  const sides = blockSides(arch);
  const valueInfo: ValueInfoSpec[] = [];
  fwd.blocks.forEach((block, i) => {
    const c = arch.channels[i]!;
    const s = sides[i]!;
    valueInfo.push({ name: block.conv, dtype: 'float32', shape: ['N', c, s, s] });
    valueInfo.push({ name: block.relu, dtype: 'float32', shape: ['N', c, s, s] });
    if (block.pool) valueInfo.push({ name: block.pool, dtype: 'float32', shape: ['N', c, s / 2, s / 2] });
  });
  const last = arch.channels[arch.channels.length - 1]!;
  valueInfo.push({ name: fwd.pool, dtype: 'float32', shape: ['N', last, 1, 1] });
  valueInfo.push({ name: fwd.flatten, dtype: 'float32', shape: ['N', last] });

  return encodeModel({
    graph: { ...g.build(), valueInfo },
    opsets: [{ domain: '', version: opset }],
    producerName: 'layerlab',
    docString: options.description,
    metadata: options.metadata,
  });
}
