import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { ort } from './ort-runtime.js';
import { badModel, LayerlabError, notFound } from '../core/errors.js';
import { defaultOpset, readModel, type ModelInfo, type ValueInfo } from '../core/onnx/index.js';
import { decodeString, readFields, WireType } from '../core/onnx/wire.js';
import { sessionOptions } from './session-options.js';

/** An ONNX file read for surgery: its bytes, structure, external data files and identity. */
export interface OnnxModelFile {
  path: string;
  bytes: Uint8Array;
  info: ModelInfo;
  /** default-domain opset, which nodes added by surgery must use */
  opset: number;
  /** external data files the initializers read, relative to the model's folder */
  externalFiles: string[];
  /** sha256 of the model bytes and every external data file */
  digest: string;
  /** bytes of the model plus its external data */
  weightBytes: number;
}

/** Reads and validates an ONNX file; a corrupt file or missing external data is a one-line error. */
export function readOnnxFile(path: string, ref: string): OnnxModelFile {
  const bytes = new Uint8Array(readFileSync(path));
  let info: ModelInfo;
  try {
    info = readModel(bytes);
  } catch (error) {
    throw badModel(
      `${ref} is not a valid ONNX model (${(error as Error).message}); check the file is complete or export it again`,
      error,
    );
  }
  if (info.graph.nodes.length === 0) throw badModel(`${ref} has an empty graph; export the model again`);
  let externalFiles: string[];
  try {
    externalFiles = externalDataFiles(bytes);
  } catch (error) {
    if (error instanceof LayerlabError) throw error;
    throw badModel(
      `${ref} has a malformed initializer (${(error as Error).message}); export it again`,
      error,
    );
  }
  const folder = dirname(path);
  let weightBytes = bytes.length;
  const hash = createHash('sha256').update(bytes);
  for (const file of externalFiles) {
    const full = join(folder, file);
    if (!existsSync(full) || !statSync(full).isFile())
      throw notFound(`${ref} keeps weights in ${file}, which is missing; put it beside ${basename(path)}`);
    weightBytes += statSync(full).size;
    hash.update(readFileSync(full));
  }
  return {
    path,
    bytes,
    info,
    opset: defaultOpset(info),
    externalFiles,
    digest: hash.digest('hex'),
    weightBytes,
  };
}

/** The graph inputs that are fed (initializers listed as inputs are weights, not inputs). */
export function feedInputs(info: ModelInfo): ValueInfo[] {
  const initializers = new Set(info.graph.initializers.map((i) => i.name));
  return info.graph.inputs.filter((i) => !initializers.has(i.name));
}

/**
 * A session over edited bytes of `file`. Bytes carry no folder, so ONNX Runtime is told where the
 * external data lives (session config `model_external_initializers_file_folder_path`); the user's
 * folder is never written to.
 */
export async function createOnnxSession(
  file: OnnxModelFile,
  bytes: Uint8Array,
  threads: number,
  overrides: ort.InferenceSession.SessionOptions = {},
  config: Record<string, string> = {},
): Promise<ort.InferenceSession> {
  const options = { ...sessionOptions(threads), ...overrides };
  const session: Record<string, string> = { ...config };
  if (file.externalFiles.length > 0)
    session.model_external_initializers_file_folder_path = dirname(file.path);
  if (isQdqModel(file.info)) session.disable_quant_qdq = '1';
  if (Object.keys(session).length > 0) options.extra = { session };
  return ort.InferenceSession.create(bytes, options);
}

/**
 * A model with quantized activations (QuantizeLinear on a computed tensor). ONNX Runtime fuses its
 * DQ -> op -> Q groups into integer kernels, choosing them from the graph's shape, so any extra
 * output near a group changes the kernel and the model's own outputs. layerlab therefore runs QDQ
 * models as the ONNX QDQ format defines them (dequantize, float op, quantize: fusion off), where
 * captures change nothing; every session over such a model, edited or not, uses this setting.
 */
export function isQdqModel(info: ModelInfo): boolean {
  const initializers = new Set(info.graph.initializers.map((i) => i.name));
  return info.graph.nodes.some((n) => n.opType === 'QuantizeLinear' && !initializers.has(n.inputs[0] ?? ''));
}

/** Locations named by initializers whose data_location is EXTERNAL (TensorProto fields 13 and 14). */
function externalDataFiles(model: Uint8Array): string[] {
  const files = new Set<string>();
  for (const field of readFields(model)) {
    if (field.field !== 7 || field.wireType !== WireType.bytes) continue;
    for (const graphField of readFields(field.bytes)) {
      if (graphField.field !== 5 || graphField.wireType !== WireType.bytes) continue;
      for (const tensorField of readFields(graphField.bytes)) {
        if (tensorField.field !== 13 || tensorField.wireType !== WireType.bytes) continue;
        let key = '';
        let value = '';
        for (const entry of readFields(tensorField.bytes)) {
          if (entry.field === 1) key = decodeString(entry.bytes);
          if (entry.field === 2) value = decodeString(entry.bytes);
        }
        if (key === 'location') files.add(safeLocation(value));
      }
    }
  }
  return [...files];
}

function safeLocation(location: string): string {
  const path = normalize(location);
  if (isAbsolute(path) || path.startsWith('..'))
    throw badModel(`external data location ${location} leaves the model's folder; keep it beside the model`);
  return path;
}
