import type { Dim } from '../core/onnx/index.js';
import type { RecordBatch } from '../data/record-batch.js';
import type { CapturePoint, Pooling } from './capture-point.js';
import type { ImagePreprocessOverrides, ImagePreprocessSpec } from './image-preprocess.js';

/**
 * How records become model inputs. Images: see ImagePreprocessSpec. Text: tokenizer settings.
 * Recorded in the store manifest; its digest is part of every feature set's identity.
 */
export type PreprocessSpec = ImagePreprocessSpec | TextPreprocessSpec;

export interface TextPreprocessSpec {
  kind: 'text';
  /** digest of the tokenizer files, so a changed vocabulary changes every key */
  tokenizer: string;
  /** tokens per text after truncation, special tokens included */
  maxLength: number;
  /** whether the model takes token_type_ids */
  tokenTypeIds: boolean;
  /** the tokenizer class, e.g. `BertTokenizer` (recorded for people reading a store manifest) */
  tokenizerClass?: string;
}

/** User overrides of preprocessing (docs/contract.md, "Image preprocessing flags" and `--max-length`). */
export interface PreprocessOverrides extends ImagePreprocessOverrides {
  maxLength?: number;
}

/** How `loadBackbone` may fetch and cache what a ref needs. */
export interface LoadOptions {
  /** let transformers.js download a Hugging Face model id that is not a local folder @default false */
  allowRemote?: boolean;
  /** layerlab's home; transformers.js caches downloads under it */
  home?: string;
}

export interface BackboneInput {
  name: string;
  shape: Dim[];
}

/** One pass of the backbone returning pooled features of several capture points. */
export interface CaptureSession {
  /** feature view names, in the order `run` returns them */
  readonly views: string[];
  /**
   * Values per record of each view: `pooledDims(point, pooling)`, with raw (`none`) token tensors
   * counted at the preprocessing's max length, which they are padded to.
   */
  readonly dims: number[];
  /** Preprocesses and runs one batch of records; returns one [count, dims] array per view. */
  run(records: RecordBatch): Promise<Float32Array[]>;
  release(): Promise<void>;
  /**
   * How a model with a fixed batch runs (ONNX): record by record, or whole batches through a copy
   * with a symbolic batch (`verifying` until its first batch has matched record-by-record runs).
   */
  readonly batching?: 'per-record' | 'verifying' | 'whole-batch';
}

export interface CaptureOptions {
  threads: number;
  preprocess: PreprocessSpec;
  /** let a model with a fixed batch of 1 run whole batches once verified (ONNX) @default true */
  symbolicBatch?: boolean;
}

/**
 * A pre-trained model as layerlab sees it, whatever its format (ONNX file, transformers.js folder,
 * TF.js model): its capture points, the preprocessing it needs, and capture sessions over any subset
 * of points, all returned by one pass per batch.
 */
export interface Backbone {
  readonly format: 'onnx' | 'transformers.js' | 'tfjs';
  /** the ref as the user wrote it, and a short display name */
  readonly ref: string;
  readonly name: string;
  /** content digest of the model files: part of every feature set's identity */
  readonly digest: string;
  readonly modality: RecordBatch['kind'];
  readonly inputs: BackboneInput[];
  readonly points: CapturePoint[];
  /** approximate bytes of weights, for the extraction planner */
  readonly weightBytes: number;
  /**
   * Tensors computed from the input that cannot be layers, with why (`is an int64 tensor, not a
   * float one`): `selectLayers` names the reason instead of calling them unknown.
   */
  readonly excludedTensors?: ReadonlyMap<string, string>;
  resolvePreprocess(overrides?: PreprocessOverrides): PreprocessSpec;
  openCapture(
    points: readonly CapturePoint[],
    pooling: Pooling,
    options: CaptureOptions,
  ): Promise<CaptureSession>;
}
