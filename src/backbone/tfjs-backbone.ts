import { readFileSync } from 'node:fs';
import { badData, badModel } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import type {
  Backbone,
  BackboneInput,
  CaptureOptions,
  CaptureSession,
  PreprocessOverrides,
} from './backbone.js';
import { pooledDims, viewName, type CapturePoint, type Pooling } from './capture-point.js';
import {
  imageInputDims,
  preprocessImages,
  resolveImagePreprocess,
  type ImagePreprocessSpec,
} from './image-preprocess.js';
import type { ResolvedModelRef } from './model-ref.js';
import { fileLoadHandler, readModelJson, weightFiles } from './tfjs-file-io.js';
import { graphModel } from './tfjs-graph-model.js';
import { layersModel } from './tfjs-layers-model.js';
import type { TfjsModel } from './tfjs-model.js';
import { poolTensor } from './tfjs-pooling.js';
import { loadTfjs, type Tf } from './tfjs-runtime.js';

/**
 * A TF.js model (model.json, LayersModel or GraphModel) as an image backbone. Intermediate outputs
 * come from the layers' outputs (one sub-model) or `executeAsync(inputs, nodeNames)`, pooled with
 * TF.js ops before anything is read back.
 */
export class TfjsBackbone implements Backbone {
  readonly format = 'tfjs';
  readonly modality = 'image';
  readonly ref: string;
  readonly name: string;
  readonly inputs: BackboneInput[];
  readonly points: CapturePoint[];

  private constructor(
    source: ResolvedModelRef,
    private readonly tf: Tf,
    private readonly model: TfjsModel,
    readonly kind: 'layers-model' | 'graph-model',
    readonly digest: string,
    readonly weightBytes: number,
    /** the package that supplied TF.js (tfjs-node when installed) */
    readonly engine: string,
  ) {
    this.ref = source.ref;
    this.name = source.name;
    this.inputs = [model.input];
    this.points = model.points;
  }

  static async load(source: ResolvedModelRef): Promise<TfjsBackbone> {
    const json = readModelJson(source.path, source.ref);
    const files = weightFiles(json, source.path, source.ref);
    const { tf, source: engine } = await loadTfjs();
    const handler = fileLoadHandler(tf, json, source.path, source.ref);
    const isGraph = json.format === 'graph-model' || Array.isArray(json.modelTopology.node);
    let model: TfjsModel;
    try {
      model = isGraph
        ? await graphModel(tf, await tf.loadGraphModel(handler), json, source.ref)
        : layersModel(tf, await tf.loadLayersModel(handler), source.ref);
    } catch (error) {
      if ((error as { code?: string }).code) throw error;
      throw badModel(
        `TF.js cannot load ${source.ref} (${(error as Error).message.split('\n')[0]}); export it again`,
        error,
      );
    }
    const parts = [readFileSync(source.path), ...files.map((f) => readFileSync(f))];
    const weightBytes = parts.slice(1).reduce((sum, b) => sum + b.length, 0);
    return new TfjsBackbone(
      source,
      tf,
      model,
      isGraph ? 'graph-model' : 'layers-model',
      sha256(...parts),
      weightBytes,
      engine,
    );
  }

  resolvePreprocess(overrides: PreprocessOverrides = {}): ImagePreprocessSpec {
    return resolveImagePreprocess(this.model.input.shape, overrides);
  }

  openCapture(
    points: readonly CapturePoint[],
    pooling: Pooling,
    options: CaptureOptions,
  ): Promise<CaptureSession> {
    const { preprocess } = options;
    if (preprocess.kind !== 'image') throw badModel(`${this.ref} takes images, not ${preprocess.kind}`);
    const { tf, ref } = this;
    const run = this.model.runner(points);
    return Promise.resolve({
      views: points.map((p) => viewName(p.name, pooling)),
      dims: points.map((p) => pooledDims(p, pooling)),
      async run(records) {
        if (records.kind !== 'image') throw badData(`${ref} takes images, but the dataset holds text`);
        const x = tf.tensor(preprocessImages(records, preprocess), imageInputDims(preprocess, records.count));
        let outputs;
        try {
          outputs = await run(x);
        } catch (error) {
          throw badModel(
            `TF.js rejected ${preprocess.resize.join('x')} images for ${ref} (${(error as Error).message.split('\n')[0]}); pass the --resize the model takes`,
            error,
          );
        } finally {
          x.dispose();
        }
        const pooled = tf.tidy(() => outputs.map((t, i) => poolTensor(tf, t, points[i]!, pooling)));
        tf.dispose(outputs);
        const values = await Promise.all(pooled.map(async (t) => Float32Array.from(await t.data())));
        tf.dispose(pooled);
        return values;
      },
      release: () => Promise.resolve(),
    });
  }
}
