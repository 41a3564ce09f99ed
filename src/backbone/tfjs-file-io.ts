import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { badModel, notFound } from '../core/errors.js';
import type { Tf } from './tfjs-runtime.js';

/** A TF.js model.json as written by tfjs-converter or `model.save`. */
export interface TfjsModelJson {
  format?: string;
  modelTopology: Record<string, unknown>;
  weightsManifest: io.WeightsManifestConfig;
  [key: string]: unknown;
}

/** Reads and checks model.json: valid JSON with a topology and a weights manifest. */
export function readModelJson(path: string, ref: string): TfjsModelJson {
  if (!existsSync(path)) throw notFound(`${ref}: ${path} does not exist`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw badModel(
      `${ref}: ${basename(path)} is not valid JSON (${(error as Error).message}); restore the file`,
      error,
    );
  }
  const model = json as Partial<TfjsModelJson> | null;
  if (!model || typeof model !== 'object' || !model.modelTopology || typeof model.modelTopology !== 'object')
    throw badModel(
      `${ref}: ${basename(path)} has no modelTopology; pass a TF.js model.json (LayersModel or GraphModel)`,
    );
  if (!Array.isArray(model.weightsManifest))
    throw badModel(
      `${ref}: ${basename(path)} has no weightsManifest; pass a TF.js model.json with its weight files`,
    );
  return model as TfjsModelJson;
}

/** The weight files a manifest names, relative to model.json's folder, checked to exist. */
export function weightFiles(json: TfjsModelJson, path: string, ref: string): string[] {
  const folder = dirname(path);
  return json.weightsManifest.flatMap((group) =>
    group.paths.map((file) => {
      const relative = normalize(file);
      if (isAbsolute(relative) || relative.startsWith('..'))
        throw badModel(
          `${ref}: weight file ${file} leaves the model's folder; keep weights beside model.json`,
        );
      const full = join(folder, relative);
      if (!existsSync(full) || !statSync(full).isFile())
        throw notFound(`${ref}: weight file ${file} is missing; put it beside ${basename(path)}`);
      return full;
    }),
  );
}

/**
 * An IOHandler that loads model.json and its weight files from the file system (what tfjs-node's
 * `file://` handler does, without needing tfjs-node). Truncated weights are refused here, with the
 * file named, rather than deep inside TF.js.
 */
export function fileLoadHandler(tf: Tf, json: TfjsModelJson, path: string, ref: string): io.IOHandler {
  const files = weightFiles(json, path, ref);
  return {
    load: () =>
      tf.io.getModelArtifactsForJSON(json, (manifest) => {
        const specs = tf.io.getWeightSpecs(manifest);
        const buffers = files.map((file) => {
          const bytes = readFileSync(file);
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        });
        const data = tf.io.concatenateArrayBuffers(buffers);
        const expected = specs.reduce((sum, spec) => sum + specBytes(spec), 0);
        if (data.byteLength !== expected)
          throw badModel(
            `${ref}: the weight files hold ${data.byteLength} bytes but model.json describes ${expected}; restore ${files.map((f) => basename(f)).join(', ')}`,
          );
        return Promise.resolve([specs, data]);
      }),
  };
}

function specBytes(spec: io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization) {
    const bytes = spec.quantization.dtype === 'uint16' || spec.quantization.dtype === 'float16' ? 2 : 1;
    return count * bytes;
  }
  return count * (spec.dtype === 'bool' ? 1 : 4);
}

/** A save handler writing model.json and one weights.bin into `folder` (used by fixture builds). */
export function fileSaveHandler(tf: Tf, folder: string): io.IOHandler {
  return tf.io.withSaveHandler((artifacts) => {
    mkdirSync(folder, { recursive: true });
    const weights =
      artifacts.weightData === undefined
        ? new ArrayBuffer(0)
        : tf.io.concatenateArrayBuffers(
            Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData],
          );
    const json = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
    };
    writeFileSync(join(folder, 'model.json'), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(join(folder, 'weights.bin'), new Uint8Array(weights));
    return Promise.resolve({
      modelArtifactsInfo: {
        dateSaved: new Date(0),
        modelTopologyType: 'JSON',
        weightDataBytes: weights.byteLength,
      },
    });
  });
}
