import { encodeModel, GraphBuilder } from '../src/core/onnx/index.js';
import { parameterSpecs, type CnnArchitecture } from './cnn-architecture.js';
import { addAdamUpdate, defaultAdam, type AdamSettings } from './adam-graph.js';
import { addBackward } from './cnn-backward.js';
import { addForward } from './cnn-forward.js';

export const opset = 17;

/** Input and output names of the training graphs; parameters keep their `parameterSpecs` names. */
export const trainNames = {
  image: 'image',
  onehot: 'onehot',
  stepSize: 'step_size',
  loss: 'loss',
  logits: 'logits',
  grad: (param: string) => `grad/${param}`,
  m: (param: string) => `adam/m/${param}`,
  v: (param: string) => `adam/v/${param}`,
  next: (name: string) => `next/${name}`,
};

/** Inputs shared by both graphs: a fixed-size batch, its one-hot labels, and every parameter. */
function lossGraph(arch: CnnArchitecture, batch: number, graphName: string) {
  const g = new GraphBuilder(graphName);
  const side = arch.imageSize;
  const image = g.input(trainNames.image, 'float32', [batch, arch.inputChannels, side, side]);
  const onehot = g.input(trainNames.onehot, 'float32', [batch, arch.classes]);
  const specs = parameterSpecs(arch);
  const params = specs.map((spec) => g.input(spec.name, 'float32', spec.dims));
  const fwd = addForward(g, arch, image, params);
  const bwd = addBackward(g, arch, fwd, onehot, params, batch);
  g.output(bwd.loss, 'float32', []);
  g.output(fwd.logits, 'float32', [batch, arch.classes]);
  return { g, specs, params, bwd };
}

/** Loss and gradients only: what the finite-difference test checks. */
export function buildGradientModel(arch: CnnArchitecture, batch: number): Uint8Array {
  const { g, specs, bwd } = lossGraph(arch, batch, 'cnn_gradients');
  specs.forEach((spec, i) => g.output(bwd.grads[i]!, 'float32', spec.dims));
  return encodeModel({ graph: g.build(), opsets: [{ domain: '', version: opset }] });
}

/**
 * One Adam training step: parameters and moments in, updated ones out (`next/...`), plus the loss and
 * the logits of the batch (before the update) so the caller can track training accuracy.
 */
export function buildTrainStepModel(
  arch: CnnArchitecture,
  batch: number,
  adam: AdamSettings = defaultAdam,
): Uint8Array {
  const { g, specs, params, bwd } = lossGraph(arch, batch, 'cnn_train_step');
  const stepSize = g.input(trainNames.stepSize, 'float32', []);
  specs.forEach((spec, i) => {
    const m = g.input(trainNames.m(spec.name), 'float32', spec.dims);
    const v = g.input(trainNames.v(spec.name), 'float32', spec.dims);
    const outputs = {
      param: trainNames.next(spec.name),
      m: trainNames.next(m),
      v: trainNames.next(v),
    };
    addAdamUpdate(g, { param: params[i]!, grad: bwd.grads[i]!, m, v }, stepSize, outputs, adam);
    g.output(outputs.param, 'float32', spec.dims);
    g.output(outputs.m, 'float32', spec.dims);
    g.output(outputs.v, 'float32', spec.dims);
  });
  return encodeModel({ graph: g.build(), opsets: [{ domain: '', version: opset }] });
}
