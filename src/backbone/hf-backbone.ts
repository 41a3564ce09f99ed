import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ort } from './ort-runtime.js';
import { badData, badModel } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import type { ValueInfo } from '../core/onnx/index.js';
import type {
  Backbone,
  BackboneInput,
  CaptureOptions,
  CaptureSession,
  LoadOptions,
  PreprocessOverrides,
  PreprocessSpec,
} from './backbone.js';
import { pooledDims, type CapturePoint, type Pooling } from './capture-point.js';
import { discoverPoints, type Discovery } from './discover-points.js';
import { downloadHubModel } from './hf-download.js';
import { PROCESSOR_FILE, readHfFolder, TOKENIZER_FILES } from './hf-folder.js';
import { HfImageProcessor } from './hf-image.js';
import { loadTransformers, type TransformersJs } from './hf-runtime.js';
import { probeTextFeeds, TEXT_INPUTS, TextTokenizer } from './hf-text.js';
import type { ResolvedModelRef } from './model-ref.js';
import { openOnnxCapture } from './onnx-capture.js';
import { onnxRuntimeError } from './onnx-errors.js';
import { feedInputs, readOnnxFile, type OnnxModelFile } from './onnx-model-file.js';

type Preprocessor =
  | { kind: 'text'; tokenizer: TextTokenizer }
  | { kind: 'image'; processor: HfImageProcessor; input: BackboneInput };

/**
 * A transformers.js model folder: transformers.js supplies the tokenizer or image processor and its
 * conventions; the folder's ONNX file is opened by graph surgery so every encoder block's hidden
 * state (which the library cannot return) is a capture point.
 */
export class HfBackbone implements Backbone {
  readonly format = 'transformers.js';
  readonly ref: string;
  readonly name: string;
  readonly modality: 'text' | 'image';
  readonly digest: string;
  readonly weightBytes: number;

  private constructor(
    source: ResolvedModelRef,
    readonly folder: string,
    readonly file: OnnxModelFile,
    readonly inputs: BackboneInput[],
    private readonly preprocessor: Preprocessor,
    readonly points: CapturePoint[],
    readonly excludedTensors: ReadonlyMap<string, string>,
    digest: string,
  ) {
    this.ref = source.ref;
    this.name = source.name;
    this.modality = preprocessor.kind;
    this.digest = digest;
    this.weightBytes = file.weightBytes;
  }

  static async load(source: ResolvedModelRef, options: LoadOptions = {}): Promise<HfBackbone> {
    const transformers = await loadTransformers(options);
    const folder = existsSync(source.path) ? source.path : await downloadHubModel(transformers, source.path);
    const { config, onnxPath } = readHfFolder(folder, source.ref, source.variant);
    const file = readOnnxFile(onnxPath, source.ref);
    const inputs = feedInputs(file.info);
    const names = new Set(inputs.map((i) => i.name));
    const pixelInput = imageInput(inputs);
    let opened: { preprocessor: Preprocessor; discovery: Discovery };
    if (names.has('input_ids'))
      opened = await openText(source.ref, transformers, folder, config, file, inputs);
    else if (pixelInput) opened = await openImage(source.ref, transformers, folder, file, pixelInput);
    else
      throw badModel(
        `cannot tell what ${source.ref} takes (inputs ${inputs.map((i) => `${i.name} [${(i.shape ?? []).join(', ')}]`).join('; ')}); layerlab feeds text models input_ids and image models pixel_values`,
      );
    const { preprocessor, discovery } = opened;
    const folderFiles = ['config.json', ...TOKENIZER_FILES, PROCESSOR_FILE]
      .filter((f) => existsSync(join(folder, f)))
      .flatMap((f) => [f, readFileSync(join(folder, f))]);
    return new HfBackbone(
      source,
      folder,
      file,
      inputs.map((i) => ({ name: i.name, shape: i.shape ?? [] })),
      preprocessor,
      discovery.points,
      discovery.excluded,
      sha256(file.digest, ...folderFiles),
    );
  }

  /** Tokenizer settings (text) or the image processor's (images), with the user's overrides. */
  resolvePreprocess(overrides: PreprocessOverrides = {}): PreprocessSpec {
    if (this.preprocessor.kind === 'text') return this.preprocessor.tokenizer.resolve(overrides.maxLength);
    return this.preprocessor.processor.resolve(overrides);
  }

  async openCapture(
    points: readonly CapturePoint[],
    pooling: Pooling,
    options: CaptureOptions,
  ): Promise<CaptureSession> {
    const { preprocess } = options;
    const ref = this.ref;
    if (preprocess.kind !== this.modality)
      throw badModel(`${ref} takes ${this.modality}, not ${preprocess.kind}`);
    const base = { file: this.file, points, pooling, threads: options.threads };
    if (this.preprocessor.kind === 'text' && preprocess.kind === 'text') {
      const { tokenizer } = this.preprocessor;
      const padToMax = pooling === 'none';
      return openOnnxCapture({
        ...base,
        dims: points.map((p) => pooledDims(p, pooling, preprocess.maxLength)),
        attentionMask: this.inputs.some((i) => i.name === 'attention_mask') ? 'attention_mask' : undefined,
        encode(records) {
          if (records.kind !== 'text') throw badData(`${ref} takes text, but the dataset holds images`);
          return Promise.resolve({
            feeds: tokenizer.encode(records.texts, preprocess, padToMax),
            count: records.texts.length,
          });
        },
        runError: (error) => onnxRuntimeError(ref, error),
      });
    }
    if (this.preprocessor.kind !== 'image' || preprocess.kind !== 'image')
      throw badModel(`${ref}: no preprocessor`);
    const process = this.preprocessor.processor.processorFor(preprocess);
    const { input } = this.preprocessor;
    const batchDim = input.shape[0];
    return openOnnxCapture({
      ...base,
      dims: points.map((p) => pooledDims(p, pooling)),
      fixedBatch: typeof batchDim === 'number' && batchDim > 0 ? batchDim : undefined,
      async encode(records) {
        if (records.kind !== 'image') throw badData(`${ref} takes images, but the dataset holds text`);
        const [h, w] = preprocess.resize;
        const pixels = await process(records);
        return {
          feeds: { [input.name]: new ort.Tensor('float32', pixels, [records.count, 3, h, w]) },
          count: records.count,
        };
      },
      runError: (error) => onnxRuntimeError(ref, error),
    });
  }
}

/** A text model: its tokenizer, and capture points probed with token sequences of two lengths. */
async function openText(
  ref: string,
  transformers: TransformersJs,
  folder: string,
  config: Record<string, unknown>,
  file: OnnxModelFile,
  inputs: ValueInfo[],
): Promise<{ preprocessor: Preprocessor; discovery: Discovery }> {
  const names = new Set(inputs.map((i) => i.name));
  const unknown = inputs.filter((i) => !TEXT_INPUTS.includes(i.name));
  if (unknown.length > 0)
    throw badModel(
      `${ref} takes ${unknown.map((i) => i.name).join(', ')}, which layerlab cannot fill from text; it feeds ${TEXT_INPUTS.join(', ')}`,
    );
  const tokenizer = await TextTokenizer.load(transformers, folder, config, names);
  const discovery = await discover(ref, file, {
    feeds: (batch, sequence) => probeTextFeeds(names, batch, sequence),
    sequenceLength: tokenizer.maxLength,
    inputLayouts: new Map(),
    recordInputs: ['input_ids'],
  });
  return { preprocessor: { kind: 'text', tokenizer }, discovery };
}

/** An image model: its image processor, and capture points probed at the processor's size. */
async function openImage(
  ref: string,
  transformers: TransformersJs,
  folder: string,
  file: OnnxModelFile,
  pixelInput: ValueInfo,
): Promise<{ preprocessor: Preprocessor; discovery: Discovery }> {
  const shape = pixelInput.shape ?? [];
  const processor = HfImageProcessor.read(transformers, folder, shape);
  const [height, width] = processor.resolve().resize;
  const batchDim = shape[0];
  const discovery = await discover(ref, file, {
    feeds: (batch) => ({
      [pixelInput.name]: new ort.Tensor('float32', new Float32Array(batch * 3 * height * width), [
        batch,
        3,
        height,
        width,
      ]),
    }),
    fixedBatch: typeof batchDim === 'number' && batchDim > 0 ? batchDim : undefined,
    inputLayouts: new Map([[pixelInput.name, 'channels-first']]),
  });
  return { preprocessor: { kind: 'image', processor, input: { name: pixelInput.name, shape } }, discovery };
}

function imageInput(inputs: ValueInfo[]): ValueInfo | undefined {
  const named = inputs.find((i) => i.name === 'pixel_values');
  if (named) return named;
  return inputs.length === 1 && inputs[0]!.elemType === 1 && inputs[0]!.shape?.length === 4
    ? inputs[0]
    : undefined;
}

async function discover(
  ref: string,
  file: OnnxModelFile,
  plan: Parameters<typeof discoverPoints>[1],
): Promise<Discovery> {
  try {
    return await discoverPoints(file, plan);
  } catch (error) {
    throw onnxRuntimeError(ref, error);
  }
}
