import { ort } from './ort-runtime.js';
import { badData, badModel } from '../core/errors.js';
import type { Dim, ValueInfo } from '../core/onnx/index.js';
import type {
  Backbone,
  BackboneInput,
  CaptureOptions,
  CaptureSession,
  PreprocessOverrides,
} from './backbone.js';
import { gridSize, pooledDims, type CapturePoint, type Pooling } from './capture-point.js';
import { discoverPoints } from './discover-points.js';
import {
  imageInputDims,
  preprocessImages,
  resolveImagePreprocess,
  type ImagePreprocessSpec,
} from './image-preprocess.js';
import { resolveModelRef, type ResolvedModelRef } from './model-ref.js';
import { openOnnxCapture } from './onnx-capture.js';
import { onnxRuntimeError } from './onnx-errors.js';
import { feedInputs, readOnnxFile, type OnnxModelFile } from './onnx-model-file.js';

/** The size probed for a spatial dimension the model leaves symbolic (the common ImageNet size). */
const PROBE_SPATIAL = 224;

/** An ONNX file as an image backbone: its capture points, and capture sessions made by graph surgery. */
export class OnnxBackbone implements Backbone {
  readonly format = 'onnx';
  readonly modality = 'image';
  readonly ref: string;
  readonly name: string;
  readonly inputs: BackboneInput[];
  readonly weightBytes: number;
  readonly digest: string;

  private constructor(
    readonly source: ResolvedModelRef,
    readonly file: OnnxModelFile,
    readonly input: BackboneInput,
    readonly points: CapturePoint[],
    readonly excludedTensors: ReadonlyMap<string, string>,
  ) {
    this.ref = source.ref;
    this.name = source.name;
    this.inputs = [input];
    this.weightBytes = file.weightBytes;
    this.digest = file.digest;
  }

  static async load(ref: string, resolved?: ResolvedModelRef): Promise<OnnxBackbone> {
    const source = resolved ?? resolveModelRef(ref);
    const file = readOnnxFile(source.path, ref);
    const input = pickImageInput(feedInputs(file.info), ref);
    const shape = input.shape!;
    const layout = guessLayout(shape);
    const fixedBatch = typeof shape[0] === 'number' && shape[0] > 0 ? shape[0] : undefined;
    const probeDims = (batch: number) =>
      shape.map((d, axis) =>
        axis === 0
          ? batch
          : typeof d === 'number' && d > 0
            ? d
            : isChannelAxis(axis, layout)
              ? 3
              : PROBE_SPATIAL,
      );
    let discovery;
    try {
      discovery = await discoverPoints(file, {
        feeds: (batch) => {
          const dims = probeDims(batch);
          const zeros = new Float32Array(dims.reduce((a, b) => a * b, 1));
          return { [input.name]: new ort.Tensor('float32', zeros, dims) };
        },
        fixedBatch,
        inputLayouts: new Map([[input.name, layout === 'nhwc' ? 'channels-last' : 'channels-first']]),
      });
    } catch (error) {
      throw onnxRuntimeError(ref, error);
    }
    return new OnnxBackbone(source, file, { name: input.name, shape }, discovery.points, discovery.excluded);
  }

  /** The preprocessing this model needs, from its input shape and the user's overrides. */
  resolvePreprocess(overrides: PreprocessOverrides = {}): ImagePreprocessSpec {
    return resolveImagePreprocess(this.input.shape, overrides);
  }

  async openCapture(
    points: readonly CapturePoint[],
    pooling: Pooling,
    options: CaptureOptions,
  ): Promise<CaptureSession> {
    const { preprocess } = options;
    if (preprocess.kind !== 'image') throw badModel(`${this.ref} takes images, not ${preprocess.kind}`);
    // Shapes of a model that takes any image size were measured at the probe size; sizes of raw and
    // grid-pooled captures hold only there.
    const sized = pooling === 'none' || gridSize(pooling) !== undefined;
    const probed = this.input.shape.some((d, axis) => axis > 0 && typeof d !== 'number');
    if (sized && probed && preprocess.resize.some((d) => d !== PROBE_SPATIAL))
      throw badModel(
        `${this.ref} takes any image size and layerlab measured its tensors at ${PROBE_SPATIAL}x${PROBE_SPATIAL}; --pool ${pooling} needs --resize ${PROBE_SPATIAL},${PROBE_SPATIAL} (or use --pool mean|max)`,
      );
    const batchDim = this.input.shape[0];
    const ref = this.ref;
    const inputName = this.input.name;
    return openOnnxCapture({
      file: this.file,
      points,
      pooling,
      threads: options.threads,
      dims: points.map((p) => pooledDims(p, pooling)),
      fixedBatch: typeof batchDim === 'number' && batchDim > 0 ? batchDim : undefined,
      ...(options.symbolicBatch === false ? {} : { batchInput: inputName }),
      encode(records) {
        if (records.kind !== 'image') throw badData(`${ref} takes images, but the dataset holds text`);
        const input = new ort.Tensor(
          'float32',
          preprocessImages(records, preprocess),
          imageInputDims(preprocess, records.count),
        );
        return Promise.resolve({ feeds: { [inputName]: input }, count: records.count });
      },
      runError: (error) =>
        badModel(
          `${ref} rejected ${preprocess.resize.join('x')} ${preprocess.layout.toUpperCase()} images (${firstLine(error)}); pass the --resize/--layout the model was trained with`,
          error,
        ),
    });
  }
}

function guessLayout(shape: readonly Dim[]): 'nchw' | 'nhwc' {
  const [, d1, , d3] = shape;
  return d1 === 1 || d1 === 3 ? 'nchw' : d3 === 1 || d3 === 3 ? 'nhwc' : 'nchw';
}

const isChannelAxis = (axis: number, layout: 'nchw' | 'nhwc') => axis === (layout === 'nchw' ? 1 : 3);

function pickImageInput(inputs: ValueInfo[], ref: string): ValueInfo {
  const text = inputs.find((i) => /input_ids/.test(i.name));
  if (text)
    throw badModel(
      `${ref} is a text model (input ${text.name}) and a bare .onnx file has no tokenizer; pass its transformers.js folder (config.json, tokenizer.json, onnx/)`,
    );
  const describe = (i: ValueInfo) => `${i.name} [${(i.shape ?? []).join(', ')}]`;
  if (inputs.length !== 1) {
    throw badModel(
      `cannot tell which input of ${ref} takes the image (${inputs.map(describe).join('; ') || 'none'}); layerlab feeds ONNX files with one image input [N,C,H,W] or [N,H,W,C]`,
    );
  }
  const input = inputs[0]!;
  if (input.elemType !== 1)
    throw badModel(`${ref}: input ${input.name} is not float32; layerlab feeds float32 images`);
  if (!input.shape || input.shape.length !== 4)
    throw badModel(
      `${ref}: input ${describe(input)} is not a 4-D image tensor; layerlab feeds [N,C,H,W] or [N,H,W,C] images`,
    );
  return input;
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error)
    .split('\n')[0]!
    .slice(0, 300);
}
