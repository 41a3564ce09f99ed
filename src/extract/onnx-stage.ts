import { ort } from '../backbone/ort-runtime.js';
import type { Backbone } from '../backbone/backbone.js';
import type { CapturePoint, Pooling } from '../backbone/capture-point.js';
import { imageInputDims, preprocessImages, type ImagePreprocessSpec } from '../backbone/image-preprocess.js';
import { createOnnxSession, type OnnxModelFile } from '../backbone/onnx-model-file.js';
import { addPooling } from '../backbone/pooling-graph.js';
import { analyzeCut, cutModel } from '../backbone/submodel-cut.js';
import { badData, badModel } from '../core/errors.js';
import { appendToGraph, GraphBuilder } from '../core/onnx/index.js';
import type { RecordBatch } from '../data/record-batch.js';

/** What staged and lazy execution need of an ONNX image backbone: its file and image input. */
export interface OnnxParts {
  file: OnnxModelFile;
  inputName: string;
}

/**
 * The ONNX file behind a backbone, when it is an ONNX image model with a free batch axis (a fixed
 * one would be baked into the sub-models). Until the Backbone interface grows a member for stages,
 * this reads the ONNX adapter's public fields; other formats run one pass only.
 */
export function onnxPartsOf(backbone: Backbone): OnnxParts | undefined {
  if (backbone.format !== 'onnx' || backbone.modality !== 'image') return undefined;
  const candidate = backbone as Partial<{ file: OnnxModelFile; input: { name: string; shape: unknown[] } }>;
  if (!candidate.file?.bytes || !candidate.input) return undefined;
  const batch = candidate.input.shape[0];
  if (typeof batch === 'number' && batch > 0) return undefined;
  return { file: candidate.file, inputName: candidate.input.name };
}

/** Whether a stage from `from` can compute `to` from that tensor alone (Vista's cut points). */
export function canCut(parts: OnnxParts, from: string, to: string): boolean {
  try {
    return analyzeCut(parts.file.bytes, from, [to]).external.length === 0;
  } catch {
    return false;
  }
}

/** One output of a stage: a capture point under a pooling (`none` for a raw boundary). */
export interface StageOutput {
  point: CapturePoint;
  pooling: Pooling;
}

/** Input of a stage: records (the first stage) or a boundary tensor's rows read from the store. */
export type StageInput =
  { kind: 'records'; records: RecordBatch } | { kind: 'boundary'; values: Float32Array; rows: number };

export interface StageSession {
  run(input: StageInput): Promise<Float32Array[]>;
  release(): Promise<void>;
}

/**
 * A session over the sub-model from `from` (a capture point whose stored raw rows are fed back, or
 * the model's input) to the outputs' points, each pooled in-graph as the one-pass capture does, so
 * staged features equal one-pass features. Lazy extraction uses the same with `from` the input.
 */
export async function openStage(
  parts: OnnxParts,
  from: CapturePoint | undefined,
  outputs: readonly StageOutput[],
  options: { threads: number; preprocess: ImagePreprocessSpec },
): Promise<StageSession> {
  const targets = [...new Set(outputs.map((o) => o.point.name))];
  let cut: Uint8Array;
  try {
    cut = cutModel(
      parts.file.bytes,
      from ? { name: from.name, shape: from.shape, dtype: from.dtype ?? 'float32' } : undefined,
      targets,
    );
  } catch (error) {
    throw badModel(`${(error as Error).message}; use --strategy one-pass`, error);
  }
  const g = new GraphBuilder('layerlab_stage', 'layerlab/');
  const names = outputs.map((o) => addPooling(g, o.point, o.pooling, { opset: parts.file.opset }));
  for (const name of names) g.output(name, 'float32');
  const graph = g.build();
  const edited = appendToGraph(cut, {
    nodes: graph.nodes,
    outputs: graph.outputs,
    initializers: graph.initializers,
  });
  const session = await createOnnxSession(parts.file, edited, options.threads);
  const feedName = from?.name ?? parts.inputName;
  const boundaryDims = from?.shape.slice(1).map((d) => (typeof d === 'number' ? d : 1)) ?? [];
  return {
    async run(input) {
      let tensor: ort.Tensor;
      if (input.kind === 'records') {
        if (input.records.kind !== 'image')
          throw badData('this model takes images, but the dataset holds text');
        tensor = new ort.Tensor(
          'float32',
          preprocessImages(input.records, options.preprocess),
          imageInputDims(options.preprocess, input.records.count),
        );
      } else tensor = new ort.Tensor('float32', input.values, [input.rows, ...boundaryDims]);
      const result = await session.run({ [feedName]: tensor }, names);
      return names.map((name) => {
        const out = result[name]!;
        const copy = Float32Array.from(out.data as Float32Array);
        out.dispose();
        return copy;
      });
    },
    release: () => session.release(),
  };
}
