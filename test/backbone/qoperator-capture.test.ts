import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backbone } from '../../src/backbone/backbone.js';
import type { CapturePoint } from '../../src/backbone/capture-point.js';
import type { Feeds } from '../../src/backbone/onnx-capture.js';
import { OnnxBackbone } from '../../src/backbone/onnx-backbone.js';
import { createOnnxSession } from '../../src/backbone/onnx-model-file.js';
import {
  imageInputDims,
  preprocessImages,
  type ImagePreprocessSpec,
} from '../../src/backbone/image-preprocess.js';
import { blockOutputs } from '../../src/backbone/select-layers.js';
import { appendToGraph } from '../../src/core/onnx/index.js';
import type { RecordBatch } from '../../src/data/record-batch.js';
import * as ort from 'onnxruntime-node';
import { qoperatorCnn } from '../fixtures/qoperator-cnn.js';
import { captureContract, type Reference } from './capture-contract.js';
import { cutModel } from './cut-model.js';
import { onnxCase } from './onnx-case.js';
import { randomImages } from './onnx-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-qoperator-'));
const modelPath = join(dir, 'qoperator-cnn.onnx');
writeFileSync(modelPath, qoperatorCnn());

function feedsOf(backbone: Backbone, records: RecordBatch): Feeds {
  if (records.kind !== 'image') throw new Error('images expected');
  const spec = backbone.resolvePreprocess() as ImagePreprocessSpec;
  const image = new ort.Tensor(
    'float32',
    preprocessImages(records, spec),
    imageInputDims(spec, records.count),
  );
  return { [backbone.inputs[0]!.name]: image };
}

/**
 * The independent reference for a quantized point: a sub-model cut at its integer tensor, which
 * ONNX Runtime returns raw (with the scale and zero point read out of the model by Identity nodes),
 * dequantized here in plain TypeScript: (q - zero point) * scale, rounded to float32 as ONNX's
 * DequantizeLinear does.
 */
async function dequantizedReference(
  backbone: Backbone,
  point: CapturePoint,
  records: RecordBatch,
): Promise<Reference> {
  const file = (backbone as OnnxBackbone).file;
  const q = point.quantized;
  const tensor = q?.tensor ?? point.name;
  const extra = q ? [q.scale, ...(q.zeroPoint ? [q.zeroPoint] : [])] : [];
  const bytes = appendToGraph(cutModel(file.bytes, tensor), {
    nodes: extra.map((name, i) => ({ opType: 'Identity', inputs: [name], outputs: [`reference/${i}`] })),
    outputs: extra.map((_, i) => ({ name: `reference/${i}` })),
  });
  const session = await createOnnxSession(file, bytes, 1);
  try {
    const out = await session.run(feedsOf(backbone, records));
    const raw = out[tensor]!;
    if (!q) return { data: Float32Array.from(raw.data as Float32Array), dims: [...raw.dims] };
    expect(raw.type).toMatch(/^u?int8$/);
    const scale = (out['reference/0']!.data as Float32Array)[0]!;
    const zero = q.zeroPoint ? Number((out['reference/1']!.data as Uint8Array | Int8Array)[0]) : 0;
    const values = raw.data as Uint8Array | Int8Array;
    return { data: Float32Array.from(values, (v) => Math.fround((v - zero) * scale)), dims: [...raw.dims] };
  } finally {
    await session.release();
  }
}

captureContract({
  ...onnxCase(
    'QOperator int8 CNN',
    () => modelPath,
    () => randomImages(4, 8, 8, 3, 8),
  ),
  reference: dequantizedReference,
});

describe('QOperator (QLinear*) models', () => {
  it('offers the uint8 outputs of QLinear ops as float capture points under their blocks', async () => {
    const backbone = await OnnxBackbone.load(modelPath);
    expect(backbone.points.map((p) => [p.name, p.op, p.block])).toEqual([
      ['block1/conv', 'QLinearConv', 'block1'],
      ['block2/conv', 'QLinearConv', 'block2'],
      ['block2/add', 'QLinearAdd', 'block2'],
      ['head/pool', 'QLinearGlobalAveragePool', 'head'],
      ['head/flat', 'Flatten', 'head'],
      ['head/matmul', 'QLinearMatMul', 'head'],
      ['head/logits', 'DequantizeLinear', 'head'],
    ]);
    expect(backbone.points.find((p) => p.name === 'block2/add')).toMatchObject({
      shape: ['N', 4, 8, 8],
      layout: 'channels-first',
      pooledSize: 4,
      quantized: { tensor: 'block2/add' },
    });
    // the flatten of a quantized tensor keeps the pool's scale and zero point
    const pool = backbone.points.find((p) => p.name === 'head/pool')!.quantized!;
    expect(backbone.points.find((p) => p.name === 'head/flat')!.quantized).toEqual({
      ...pool,
      tensor: 'head/flat',
    });
    expect(blockOutputs(backbone.points).map((p) => p.name)).toEqual([
      'block1/conv',
      'block2/add',
      'head/logits',
    ]);
    // the quantized input is not a feature: the float image before it is the model's input
    expect(backbone.excludedTensors.get('input/q')).toBe('holds uint8 values, not floats');
  });

  it('captures values that are not all equal: the dequantized maps carry the records', async () => {
    const backbone = await OnnxBackbone.load(modelPath);
    const session = await backbone.openCapture(blockOutputs(backbone.points), 'mean', {
      threads: 1,
      preprocess: backbone.resolvePreprocess(),
    });
    const views = await session.run(randomImages(4, 8, 8, 3, 9));
    await session.release();
    for (const view of views) expect(new Set(view).size).toBeGreaterThan(2);
  });
});
