import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel, GraphBuilder, type GraphSpec } from '../../src/core/onnx/index.js';
import { ProtoWriter } from '../../src/core/onnx/wire.js';
import { Rng } from '../../src/core/random.js';
import type { ImageBatch } from '../../src/data/record-batch.js';

/** `count` random HWC images of any size and channel count, as a reader decodes them. */
export function randomImages(
  count: number,
  height: number,
  width: number,
  channels = 3,
  seed = 1,
): ImageBatch {
  const rng = new Rng(seed);
  return {
    kind: 'image',
    count,
    height,
    width,
    channels,
    pixels: Uint8Array.from({ length: count * height * width * channels }, () => rng.int(256)),
  };
}

const weights = (rng: Rng, n: number, scale = 0.4) =>
  Float32Array.from({ length: n }, () => rng.normal() * scale);

/**
 * A Keras-style CNN converted to ONNX (tf2onnx keeps NHWC around NCHW convs): input [N,8,8,3] ->
 * Transpose -> Conv -> Relu -> Transpose back, so `block1/nhwc` is a channels-last map [N,8,8,4]
 * -> ReduceMean over H,W -> MatMul `head/logits` [N,3].
 */
export function nhwcCnn(): Uint8Array {
  const rng = new Rng(11);
  const g = new GraphBuilder('nhwc-cnn');
  const x = g.input('image', 'float32', ['N', 8, 8, 3]);
  const nchw = g.op('Transpose', [x], { perm: [0, 3, 1, 2] }, 'block1/to_nchw');
  const conv = g.op(
    'Conv',
    [nchw, g.initializer('block1/w', 'float32', [4, 3, 3, 3], weights(rng, 108))],
    { pads: [1, 1, 1, 1], kernel_shape: [3, 3] },
    'block1/conv',
  );
  const relu = g.op('Relu', [conv], undefined, 'block1/relu');
  const nhwc = g.op('Transpose', [relu], { perm: [0, 2, 3, 1] }, 'block1/nhwc');
  const scaled = g.op('Mul', [nhwc, g.constFloat([1.5], [])], undefined, 'block2/scaled');
  const mean = g.op('ReduceMean', [scaled], { axes: [1, 2], keepdims: 0 }, 'head/mean');
  g.op(
    'MatMul',
    [mean, g.initializer('head/w', 'float32', [4, 3], weights(rng, 12))],
    undefined,
    'head/logits',
  );
  g.output('head/logits', 'float32');
  return encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 13 }] });
}

/**
 * A QDQ-quantized CNN (as onnxruntime's quantizer writes them): int8 weights and activations with
 * Quantize/DequantizeLinear pairs around each conv (DQ -> Conv -> Q), which ONNX Runtime fuses into
 * QLinearConv.
 */
export function qdqCnn(): Uint8Array {
  const rng = new Rng(12);
  const g = new GraphBuilder('qdq-cnn');
  const scale = (s: number) => g.constFloat([s], [], 'scale');
  const zero = () => g.initializer(g.fresh('zero'), 'int8', [], Uint8Array.from([0]));
  const qdq = (x: string, s: number, name: string) => {
    const sc = scale(s);
    const zp = zero();
    const q = g.op('QuantizeLinear', [x, sc, zp], undefined, `${name}/q`);
    return g.op('DequantizeLinear', [q, sc, zp], undefined, `${name}/dq`);
  };
  const qweights = (name: string, n: number, dims: number[]) => {
    const values = Uint8Array.from({ length: n }, () => (rng.int(200) - 100) & 0xff);
    const w = g.initializer(name, 'int8', dims, values);
    return g.op('DequantizeLinear', [w, scale(0.01), zero()], undefined, `${name}/dq`);
  };
  const x = g.input('image', 'float32', ['N', 3, 8, 8]);
  const input = qdq(x, 1 / 127, 'input');
  const c1 = g.op(
    'Conv',
    [input, qweights('block1/w', 4 * 27, [4, 3, 3, 3])],
    { pads: [1, 1, 1, 1] },
    'block1/conv',
  );
  const r1 = qdq(c1, 0.05, 'block1/out');
  const c2 = g.op(
    'Conv',
    [r1, qweights('block2/w', 6 * 36, [6, 4, 3, 3])],
    { pads: [1, 1, 1, 1], strides: [2, 2] },
    'block2/conv',
  );
  const r2 = qdq(c2, 0.05, 'block2/out');
  const pooled = g.op(
    'Flatten',
    [g.op('GlobalAveragePool', [r2], undefined, 'head/pool')],
    { axis: 1 },
    'head/flat',
  );
  g.op(
    'MatMul',
    [pooled, g.initializer('head/w', 'float32', [6, 3], weights(rng, 18))],
    undefined,
    'head/logits',
  );
  g.output('head/logits', 'float32');
  return encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 13 }] });
}

/**
 * A CNN exported with a fixed batch of 1 and a hard-coded flatten (as CNTK and old PyTorch exports
 * are): [1,3,8,8] -> conv/relu [1,4,8,8] -> Reshape [1, 256] -> MatMul [1,3].
 */
export function fixedBatchCnn(): Uint8Array {
  const rng = new Rng(13);
  const g = new GraphBuilder('fixed-batch-cnn');
  const x = g.input('image', 'float32', [1, 3, 8, 8]);
  const conv = g.op(
    'Conv',
    [x, g.initializer('block1/w', 'float32', [4, 3, 3, 3], weights(rng, 108))],
    { pads: [1, 1, 1, 1] },
    'block1/conv',
  );
  const relu = g.op('Relu', [conv], undefined, 'block1/relu');
  const flat = g.op('Reshape', [relu, g.constInt64([1, 256], [2], 'shape')], undefined, 'head/flat');
  g.op(
    'MatMul',
    [flat, g.initializer('head/w', 'float32', [256, 3], weights(rng, 768, 0.05))],
    undefined,
    'head/logits',
  );
  g.output('head/logits', 'float32');
  return encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 11 }] });
}

/**
 * `graph` with its initializers moved to an external data file (`weights.bin` beside the model), as
 * exporters write models over 2 GB: TensorProto `external_data` {location, offset, length} and
 * `data_location` EXTERNAL. Writes both files into `dir` and returns the model's path.
 */
export function writeExternalDataModel(dir: string, graph: GraphSpec, opset: number): string {
  const model = encodeModel({
    graph: { ...graph, initializers: [] },
    opsets: [{ domain: '', version: opset }],
  });
  const blobs: Uint8Array[] = [];
  let offset = 0;
  const tail = new ProtoWriter()
    .message(7, (g) => {
      for (const t of graph.initializers) {
        const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
        g.message(5, (w) => {
          w.packedInts(1, t.dims);
          w.int(2, t.dtype === 'int64' ? 7 : 1);
          w.string(8, t.name);
          for (const [key, value] of [
            ['location', 'weights.bin'],
            ['offset', String(offset)],
            ['length', String(bytes.length)],
          ])
            w.message(13, (e) => e.string(1, key!).string(2, value!));
          w.int(14, 1);
        });
        blobs.push(bytes);
        offset += bytes.length;
      }
    })
    .finish();
  const path = join(dir, 'model.onnx');
  writeFileSync(path, Buffer.concat([model, tail]));
  writeFileSync(join(dir, 'weights.bin'), Buffer.concat(blobs));
  return path;
}

/** A small CNN graph [N,3,8,8] -> two conv blocks -> logits [N,3], for the external-data fixture. */
export function smallCnnGraph(): GraphSpec {
  const rng = new Rng(14);
  const g = new GraphBuilder('small-cnn');
  const x = g.input('image', 'float32', ['N', 3, 8, 8]);
  const c1 = g.op(
    'Conv',
    [x, g.initializer('block1.conv.weight', 'float32', [4, 3, 3, 3], weights(rng, 108))],
    {
      pads: [1, 1, 1, 1],
    },
  );
  const r1 = g.op('Relu', [c1]);
  const c2 = g.op(
    'Conv',
    [r1, g.initializer('block2.conv.weight', 'float32', [6, 4, 3, 3], weights(rng, 216))],
    {
      pads: [1, 1, 1, 1],
      strides: [2, 2],
    },
  );
  const r2 = g.op('Relu', [c2]);
  const flat = g.op('Flatten', [g.op('GlobalAveragePool', [r2])], { axis: 1 });
  g.op(
    'MatMul',
    [flat, g.initializer('head.weight', 'float32', [6, 3], weights(rng, 18))],
    undefined,
    'logits',
  );
  g.output('logits', 'float32');
  return g.build();
}

/** A fully convolutional CNN that takes any image size: [N,3,H,W] -> conv/relu -> GAP -> logits. */
export function anySizeCnn(): Uint8Array {
  const rng = new Rng(15);
  const g = new GraphBuilder('any-size-cnn');
  const x = g.input('image', 'float32', ['N', 3, 'H', 'W']);
  const conv = g.op('Conv', [x, g.initializer('block1/w', 'float32', [4, 3, 3, 3], weights(rng, 108))], {
    pads: [1, 1, 1, 1],
  });
  const relu = g.op('Relu', [conv], undefined, 'block1/relu');
  const flat = g.op('Flatten', [g.op('GlobalAveragePool', [relu], undefined, 'head/pool')], { axis: 1 });
  g.op(
    'MatMul',
    [flat, g.initializer('head/w', 'float32', [4, 3], weights(rng, 12))],
    undefined,
    'head/logits',
  );
  g.output('head/logits', 'float32');
  return encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 13 }] });
}
