import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { badModel, notFound } from '../core/errors.js';

/** Variants transformers.js exports beside onnx/model.onnx, in the order layerlab prefers them. */
const VARIANTS = [
  'model.onnx',
  'model_fp16.onnx',
  'model_quantized.onnx',
  'model_int8.onnx',
  'model_uint8.onnx',
  'model_q4.onnx',
  'model_q4f16.onnx',
  'model_bnb4.onnx',
];

export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];
export const PROCESSOR_FILE = 'preprocessor_config.json';

/** A transformers.js model folder, with the files layerlab reads from it. */
export interface HfFolder {
  folder: string;
  config: Record<string, unknown>;
  /** the ONNX file to capture from */
  onnxPath: string;
}

/**
 * Reads a transformers.js folder (config.json + onnx/model.onnx or a variant). `variant` names the
 * ONNX file the user picked; otherwise model.onnx, else the first variant present.
 */
export function readHfFolder(folder: string, ref: string, variant?: string): HfFolder {
  const configPath = join(folder, 'config.json');
  if (!existsSync(configPath))
    throw notFound(
      `folder ${folder} has no config.json; a transformers.js folder holds config.json and onnx/`,
    );
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw badModel(`${configPath} is not valid JSON (${(error as Error).message}); restore the file`, error);
  }
  if (!config || typeof config !== 'object' || Array.isArray(config))
    throw badModel(`${configPath} is not a JSON object; restore the file`);
  return { folder, config, onnxPath: pickOnnx(folder, ref, variant) };
}

function pickOnnx(folder: string, ref: string, variant?: string): string {
  const onnxDir = join(folder, 'onnx');
  if (variant) {
    const path = join(onnxDir, variant);
    if (!existsSync(path)) throw notFound(`${ref}: ${path} does not exist`);
    return path;
  }
  for (const name of VARIANTS) if (existsSync(join(onnxDir, name))) return join(onnxDir, name);
  const others = existsSync(onnxDir) ? readdirSync(onnxDir).filter((f) => f.endsWith('.onnx')) : [];
  if (others.length > 0)
    throw notFound(
      `folder ${folder} has no onnx/model.onnx; pick one of its ONNX files by passing its path (${others.map((f) => `onnx/${f}`).join(', ')})`,
    );
  if (existsSync(join(folder, 'model.onnx'))) return join(folder, 'model.onnx');
  throw notFound(
    `folder ${folder} has config.json but no onnx/model.onnx (nor a variant such as model_quantized.onnx); export the model to ONNX (e.g. optimum-cli export onnx) into its onnx/ folder`,
  );
}

/** Reads a JSON file of the folder, or undefined when absent. */
export function readFolderJson(folder: string, file: string): Record<string, unknown> | undefined {
  const path = join(folder, file);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw badModel(`${path} is not valid JSON (${(error as Error).message}); restore the file`, error);
  }
}
