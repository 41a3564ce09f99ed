import * as ort from 'onnxruntime-node';
import type { Backbone } from '../../src/backbone/backbone.js';
import type { CapturePoint } from '../../src/backbone/capture-point.js';
import {
  imageInputDims,
  preprocessImages,
  type ImagePreprocessSpec,
} from '../../src/backbone/image-preprocess.js';
import { OnnxBackbone } from '../../src/backbone/onnx-backbone.js';
import type { RecordBatch } from '../../src/data/record-batch.js';
import type { ContractCase } from './capture-contract.js';
import { cutReference, originalOutput } from './onnx-reference.js';

/** The image the backbone feeds, computed from the records with the model's resolved preprocessing. */
function imageFeeds(backbone: Backbone, records: RecordBatch) {
  if (records.kind !== 'image') throw new Error('images expected');
  const spec = backbone.resolvePreprocess() as ImagePreprocessSpec;
  const input = new ort.Tensor(
    'float32',
    preprocessImages(records, spec),
    imageInputDims(spec, records.count),
  );
  return { [backbone.inputs[0]!.name]: input };
}

const fixedBatchOf = (backbone: Backbone) => {
  const d = backbone.inputs[0]!.shape[0];
  return typeof d === 'number' ? d : undefined;
};

/** The ONNX contract case for a model file: references are sub-models cut at each tensor. */
export function onnxCase(name: string, path: () => string, records: () => RecordBatch): ContractCase {
  return {
    name,
    load: () => OnnxBackbone.load(path()),
    records: () => Promise.resolve(records()),
    reference: (b: Backbone, point: CapturePoint, r: RecordBatch) =>
      cutReference((b as OnnxBackbone).file, point, imageFeeds(b, r), fixedBatchOf(b)),
    original: (b: Backbone, r: RecordBatch) =>
      originalOutput((b as OnnxBackbone).file, imageFeeds(b, r), fixedBatchOf(b)),
  };
}
