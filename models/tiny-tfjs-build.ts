import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../src/core/random.js';
import { fileSaveHandler } from '../src/backbone/tfjs-file-io.js';
import type { Tf } from '../src/backbone/tfjs-runtime.js';

/** Input size and layer widths of the tiny TF.js CNN. */
const SIZE = 16;
const WIDTHS = { block1: 8, block2: 16, classes: 4 };
const SEED = 20240612;

interface Weights {
  conv1: Float32Array;
  bias1: Float32Array;
  conv2: Float32Array;
  bias2: Float32Array;
  dense: Float32Array;
  denseBias: Float32Array;
}

/** Seeded weights, set explicitly so the files do not depend on TF.js's initializers. */
function tinyWeights(): Weights {
  const rng = new Rng(SEED);
  const draw = (n: number, scale: number) => Float32Array.from({ length: n }, () => rng.normal() * scale);
  return {
    conv1: draw(3 * 3 * 3 * WIDTHS.block1, 0.3),
    bias1: draw(WIDTHS.block1, 0.05),
    conv2: draw(3 * 3 * WIDTHS.block1 * WIDTHS.block2, 0.2),
    bias2: draw(WIDTHS.block2, 0.05),
    dense: draw(WIDTHS.block2 * WIDTHS.classes, 0.3),
    denseBias: draw(WIDTHS.classes, 0.05),
  };
}

/**
 * Writes `tiny-tfjs/` (a LayersModel made with tf.sequential and saved through layerlab's file
 * save handler) into `folder`: [N,16,16,3] -> block1_conv (8, relu) -> block1_pool (max 2x2) ->
 * block2_conv (16, relu) -> gap -> logits (4).
 */
export async function buildTinyTfjsLayers(tf: Tf, folder: string): Promise<void> {
  const w = tinyWeights();
  const model = tf.sequential({ name: 'tiny_tfjs' });
  model.add(
    tf.layers.conv2d({
      name: 'block1_conv',
      inputShape: [SIZE, SIZE, 3],
      filters: WIDTHS.block1,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
    }),
  );
  model.add(tf.layers.maxPooling2d({ name: 'block1_pool', poolSize: 2 }));
  model.add(
    tf.layers.conv2d({
      name: 'block2_conv',
      filters: WIDTHS.block2,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
    }),
  );
  model.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
  model.add(tf.layers.dense({ name: 'logits', units: WIDTHS.classes }));
  model.setWeights([
    tf.tensor(w.conv1, [3, 3, 3, WIDTHS.block1]),
    tf.tensor(w.bias1),
    tf.tensor(w.conv2, [3, 3, WIDTHS.block1, WIDTHS.block2]),
    tf.tensor(w.bias2),
    tf.tensor(w.dense, [WIDTHS.block2, WIDTHS.classes]),
    tf.tensor(w.denseBias),
  ]);
  await model.save(fileSaveHandler(tf, folder));
  model.dispose();
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (values: number[]) => ({ list: { i: values.map(String) } });
const shape = (dims: number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });
const FLOAT = { type: 'DT_FLOAT' };

/**
 * Writes `tiny-tfjs-graph/`: the same network as a GraphModel (tfjs-converter's model.json format,
 * written out by hand since only the Python converter makes them), with the same weights, so both
 * TF.js formats can be checked against each other.
 */
export function buildTinyTfjsGraph(folder: string): void {
  const w = tinyWeights();
  const constants: { name: string; dims: number[]; data: Float32Array | Int32Array }[] = [];
  const nodes: Record<string, unknown>[] = [
    {
      name: 'input',
      op: 'Placeholder',
      attr: { dtype: FLOAT, shape: { shape: shape([-1, SIZE, SIZE, 3]) } },
    },
  ];
  const constant = (name: string, dims: number[], data: Float32Array | Int32Array) => {
    constants.push({ name, dims, data });
    const dtype = data instanceof Int32Array ? 'DT_INT32' : 'DT_FLOAT';
    nodes.push({
      name,
      op: 'Const',
      attr: { value: { tensor: { dtype, tensorShape: shape(dims) } }, dtype: { type: dtype } },
    });
    return name;
  };
  const node = (name: string, op: string, input: string[], attr: Record<string, unknown> = {}) => {
    nodes.push({ name, op, input, attr: { T: FLOAT, ...attr } });
    return name;
  };
  const conv = (
    block: string,
    x: string,
    kernel: Float32Array,
    bias: Float32Array,
    inC: number,
    outC: number,
  ) => {
    const scope = `StatefulPartitionedCall/tiny_tfjs/${block}`;
    const k = constant(`${scope}/Conv2D/ReadVariableOp`, [3, 3, inC, outC], kernel);
    const b = constant(`${scope}/BiasAdd/ReadVariableOp`, [outC], bias);
    const c = node(`${scope}/Conv2D`, 'Conv2D', [x, k], {
      strides: ints([1, 1, 1, 1]),
      padding: { s: b64('SAME') },
      data_format: { s: b64('NHWC') },
      dilations: ints([1, 1, 1, 1]),
      explicit_paddings: { list: {} },
      use_cudnn_on_gpu: { b: true },
    });
    const biased = node(`${scope}/BiasAdd`, 'BiasAdd', [c, b], { data_format: { s: b64('NHWC') } });
    return node(`${scope}/Relu`, 'Relu', [biased]);
  };
  const scope = 'StatefulPartitionedCall/tiny_tfjs';
  const relu1 = conv('block1_conv', 'input', w.conv1, w.bias1, 3, WIDTHS.block1);
  const pool = node(`${scope}/block1_pool/MaxPool`, 'MaxPool', [relu1], {
    ksize: ints([1, 2, 2, 1]),
    strides: ints([1, 2, 2, 1]),
    padding: { s: b64('VALID') },
    data_format: { s: b64('NHWC') },
    explicit_paddings: { list: {} },
  });
  const relu2 = conv('block2_conv', pool, w.conv2, w.bias2, WIDTHS.block1, WIDTHS.block2);
  const axes = constant(`${scope}/gap/Mean/reduction_indices`, [2], Int32Array.from([1, 2]));
  const gap = node(`${scope}/gap/Mean`, 'Mean', [relu2, axes], {
    Tidx: { type: 'DT_INT32' },
    keep_dims: { b: false },
  });
  const dense = constant(`${scope}/logits/MatMul/ReadVariableOp`, [WIDTHS.block2, WIDTHS.classes], w.dense);
  const bias = constant(`${scope}/logits/BiasAdd/ReadVariableOp`, [WIDTHS.classes], w.denseBias);
  const matmul = node(`${scope}/logits/MatMul`, 'MatMul', [gap, dense], {
    transpose_a: { b: false },
    transpose_b: { b: false },
  });
  const logits = node(`${scope}/logits/BiasAdd`, 'BiasAdd', [matmul, bias], {
    data_format: { s: b64('NHWC') },
  });
  node('Identity', 'Identity', [logits]);
  const json = {
    format: 'graph-model',
    generatedBy: 'layerlab models/build-tiny-tfjs.ts',
    convertedBy: null,
    signature: {
      inputs: { input: { name: 'input:0', dtype: 'DT_FLOAT', tensorShape: shape([-1, SIZE, SIZE, 3]) } },
      outputs: {
        logits: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: shape([-1, WIDTHS.classes]) },
      },
    },
    modelTopology: { node: nodes, library: {}, versions: { producer: 1286 } },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: constants.map((c) => ({
          name: c.name,
          shape: c.dims,
          dtype: c.data instanceof Int32Array ? 'int32' : 'float32',
        })),
      },
    ],
  };
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'model.json'), `${JSON.stringify(json, null, 2)}\n`);
  const bytes = Buffer.concat(
    constants.map((c) => Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength)),
  );
  writeFileSync(join(folder, 'weights.bin'), bytes);
}
