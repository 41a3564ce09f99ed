import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { badData, badModel } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import {
  GraphBuilder,
  appendToGraph,
  readModel,
  type ModelInfo,
  type ValueInfo,
} from '../core/onnx/index.js';
import { viewName, type CapturePoint, type Pooling } from './capture-point.js';
import { discoverPoints } from './discover-points.js';
import {
  imageInputDims,
  preprocessImages,
  resolveImagePreprocess,
  type ImagePreprocessSpec,
} from './image-preprocess.js';
import type {
  Backbone,
  BackboneInput,
  CaptureOptions,
  CaptureSession,
  PreprocessOverrides,
} from './backbone.js';
import { resolveModelRef, type ResolvedModelRef } from './model-ref.js';
import { addPooling } from './pooling-graph.js';
import { sessionOptions } from './session-options.js';

/** An ONNX file as a backbone: its capture points, and capture sessions made by graph surgery. */
export class OnnxBackbone implements Backbone {
  readonly format = 'onnx';
  readonly modality = 'image';
  readonly ref: string;
  readonly name: string;
  readonly inputs: BackboneInput[];
  readonly weightBytes: number;

  private constructor(
    readonly source: ResolvedModelRef,
    readonly bytes: Uint8Array,
    readonly info: ModelInfo,
    readonly input: BackboneInput,
    readonly points: CapturePoint[],
    readonly digest: string,
  ) {
    this.ref = source.ref;
    this.name = source.name;
    this.inputs = [input];
    this.weightBytes = bytes.length;
  }

  static async load(ref: string): Promise<OnnxBackbone> {
    const source = resolveModelRef(ref);
    const bytes = new Uint8Array(readFileSync(source.path));
    let info: ModelInfo;
    try {
      info = readModel(bytes);
    } catch (error) {
      throw badModel(
        `${ref} is not a valid ONNX model (${(error as Error).message}); check the file is complete`,
        error,
      );
    }
    const input = pickInput(info, ref);
    let points: CapturePoint[];
    try {
      points = await discoverPoints(bytes, info, input);
    } catch (error) {
      throw badModel(`ONNX Runtime cannot run ${ref}: ${firstLine(error)}`, error);
    }
    return new OnnxBackbone(
      source,
      bytes,
      info,
      { name: input.name, shape: input.shape ?? [] },
      points,
      sha256(bytes),
    );
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
    const g = new GraphBuilder('layerlab_capture', 'layerlab/');
    const outputs = points.map((p) => addPooling(g, p, pooling));
    for (const name of outputs) g.output(name, 'float32');
    const graph = g.build();
    const edited = appendToGraph(this.bytes, {
      nodes: graph.nodes,
      outputs: graph.outputs,
      initializers: graph.initializers,
    });
    const session = await ort.InferenceSession.create(edited, sessionOptions(options.threads));
    const inputName = this.input.name;
    return {
      views: points.map((p) => viewName(p.name, pooling)),
      dims: points.map((p) => (pooling === 'none' ? p.size : p.pooledSize)),
      async run(records) {
        if (records.kind !== 'image') throw badData('this model takes images, but the dataset holds text');
        const input = new ort.Tensor(
          'float32',
          preprocessImages(records, preprocess),
          imageInputDims(preprocess, records.count),
        );
        const result = await session.run({ [inputName]: input }, outputs);
        return outputs.map((name) => {
          const tensor = result[name]!;
          const copy = Float32Array.from(tensor.data as Float32Array);
          tensor.dispose();
          return copy;
        });
      },
      release: () => session.release(),
    };
  }
}

function pickInput(info: ModelInfo, ref: string): ValueInfo {
  const initializers = new Set(info.graph.initializers.map((i) => i.name));
  const inputs = info.graph.inputs.filter((i) => !initializers.has(i.name));
  if (inputs.length !== 1) {
    throw badModel(
      `${ref} has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); image backbones with one input are supported`,
    );
  }
  const input = inputs[0]!;
  if (input.elemType !== 1)
    throw badModel(`${ref}: input ${input.name} is not float32; layerlab feeds float32 images`);
  if (!input.shape || input.shape.length !== 4)
    throw badModel(`${ref}: input ${input.name} is not a 4-D image tensor (N,C,H,W)`);
  return input;
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error)
    .split('\n')[0]!
    .slice(0, 300);
}
