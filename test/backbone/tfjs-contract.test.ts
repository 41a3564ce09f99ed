import { join } from 'node:path';
import type { GraphModel, LayersModel, Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Backbone } from '../../src/backbone/backbone.js';
import type { CapturePoint } from '../../src/backbone/capture-point.js';
import {
  imageInputDims,
  preprocessImages,
  type ImagePreprocessSpec,
} from '../../src/backbone/image-preprocess.js';
import { loadBackbone } from '../../src/backbone/load-backbone.js';
import { selectLayers } from '../../src/backbone/select-layers.js';
import { fileLoadHandler, readModelJson } from '../../src/backbone/tfjs-file-io.js';
import { loadTfjs, type Tf } from '../../src/backbone/tfjs-runtime.js';
import { packageRoot } from '../../src/core/paths.js';
import type { RecordBatch } from '../../src/data/record-batch.js';
import { captureContract, expectClose } from './capture-contract.js';
import { randomImages } from './onnx-fixtures.js';

const models = join(packageRoot(), 'models');
const { tf } = await loadTfjs();

/** The model loaded on its own, outside the backbone: the independent side of every comparison. */
async function independent(name: 'tiny-tfjs' | 'tiny-tfjs-graph'): Promise<LayersModel | GraphModel> {
  const path = join(models, name, 'model.json');
  const json = readModelJson(path, name);
  const handler = fileLoadHandler(tf, json, path, name);
  return name === 'tiny-tfjs' ? tf.loadLayersModel(handler) : tf.loadGraphModel(handler);
}

function input(tfjs: Tf, backbone: Backbone, records: RecordBatch): Tensor {
  if (records.kind !== 'image') throw new Error('images expected');
  const spec = backbone.resolvePreprocess() as ImagePreprocessSpec;
  return tfjs.tensor(preprocessImages(records, spec), imageInputDims(spec, records.count));
}

async function evaluate(model: LayersModel | GraphModel, x: Tensor, point?: string) {
  let out: Tensor;
  if ('layers' in model) {
    const target = point ? model.getLayer(point).output : model.outputs[0]!;
    out = tf.model({ inputs: model.inputs, outputs: target }).predict(x) as Tensor;
  } else {
    out = model.execute(x, point ?? model.outputNodes[0]) as Tensor;
  }
  const result = { data: Float32Array.from(await out.data()), dims: [...out.shape] };
  out.dispose();
  return result;
}

for (const name of ['tiny-tfjs', 'tiny-tfjs-graph'] as const) {
  const model = independent(name);
  captureContract({
    name: `builtin:${name} (TF.js ${name === 'tiny-tfjs' ? 'LayersModel' : 'GraphModel'})`,
    load: () => loadBackbone(`builtin:${name}`),
    records: () => Promise.resolve(randomImages(4, 16, 16, 3, 7)),
    reference: async (b, point: CapturePoint, r) => evaluate(await model, input(tf, b, r), point.name),
    original: async (b, r) => {
      const m = await model;
      const out = await evaluate(m, input(tf, b, r));
      return { point: 'layers' in m ? 'logits' : 'Identity', data: out.data };
    },
  });
}

describe('TF.js backbones', () => {
  it('LayersModel and GraphModel of the same network capture the same features', async () => {
    const layers = await loadBackbone('builtin:tiny-tfjs');
    const graph = await loadBackbone('builtin:tiny-tfjs-graph');
    expect(layers.format).toBe('tfjs');
    expect(layers.resolvePreprocess()).toMatchObject({ layout: 'nhwc', resize: [16, 16], channels: 'rgb' });
    const records = randomImages(3, 16, 16, 3, 8);
    const capture = async (b: Backbone, selectors: string[]) => {
      const session = await b.openCapture(selectLayers(b.points, selectors), 'grid:2', {
        threads: 1,
        preprocess: b.resolvePreprocess(),
      });
      return session.run(records);
    };
    const fromLayers = await capture(layers, ['block1_pool', 'block2_conv', 'logits']);
    const fromGraph = await capture(graph, ['*block1_pool/MaxPool', '*block2_conv/Relu', '*logits/BiasAdd']);
    fromLayers.forEach((values, i) => expectClose(values, fromGraph[i]!, 1e-5));
  });

  it('groups Keras layer names into blocks', async () => {
    const layers = await loadBackbone('builtin:tiny-tfjs');
    expect(layers.points.map((p) => [p.name, p.block, p.layout])).toEqual([
      ['block1_conv', 'block1', 'channels-last'],
      ['block1_pool', 'block1', 'channels-last'],
      ['block2_conv', 'block2', 'channels-last'],
      ['gap', 'gap', 'vector'],
      ['logits', 'logits', 'vector'],
    ]);
  });
});
