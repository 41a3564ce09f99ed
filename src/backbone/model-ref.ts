import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { notFound } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';

export type ModelFormat = 'onnx' | 'transformers.js' | 'tfjs';

export interface ResolvedModelRef {
  /** the ref as the user wrote it */
  ref: string;
  /** a short display name */
  name: string;
  format: ModelFormat;
  /** the .onnx file, the model folder (transformers.js) or the model.json (TF.js) */
  path: string;
  /** transformers.js: the ONNX file inside the folder the user named, when they named one */
  variant?: string;
}

/** A Hugging Face model id (`org/name` or `name`), which only --allow-remote may download. */
export function isHubModelId(ref: string): boolean {
  return /^[\w.-]+\/[\w.-]+$/.test(ref) && !ref.startsWith('.') && !ref.includes('..');
}

const isFolder = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** The format of a model folder, from the file that marks it. */
function folderFormat(folder: string): ModelFormat | undefined {
  if (existsSync(join(folder, 'config.json'))) return 'transformers.js';
  if (existsSync(join(folder, 'model.json'))) return 'tfjs';
  return undefined;
}

/** Models built by the project's own scripts, shipped in `models/` (no download). */
export function builtinModels(): string[] {
  const dir = join(packageRoot(), 'models');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.onnx') || (isFolder(join(dir, f)) && folderFormat(join(dir, f))))
    .map((f) => f.replace(/\.onnx$/, ''))
    .sort();
}

/**
 * Resolves a model ref (docs/contract.md, "Model refs"): an `.onnx` file, a transformers.js folder
 * (`config.json` + `onnx/`; or an `.onnx` file inside one, to pick a variant), a TF.js `model.json`
 * or its folder, or `builtin:NAME`. A Hugging Face id that is not a local folder resolves only
 * with `allowRemote`; the transformers.js adapter then downloads it.
 */
export function resolveModelRef(ref: string, options: { allowRemote?: boolean } = {}): ResolvedModelRef {
  if (ref.startsWith('builtin:')) return resolveBuiltin(ref);
  const path = resolve(ref);
  if (!existsSync(path)) {
    if (isHubModelId(ref) && options.allowRemote)
      return { ref, name: ref.split('/').pop()!, format: 'transformers.js', path: ref };
    if (isHubModelId(ref))
      throw notFound(
        `no model folder ${path}; to download the Hugging Face model ${ref} with transformers.js, pass --allow-remote`,
      );
    throw notFound(
      `model ${ref} not found; pass an .onnx file, a transformers.js folder, a TF.js model.json or builtin:NAME`,
    );
  }
  if (isFolder(path)) {
    const format = folderFormat(path);
    if (!format)
      throw notFound(
        `folder ${ref} holds neither config.json (transformers.js) nor model.json (TF.js); pass an .onnx file or a model folder`,
      );
    return format === 'tfjs'
      ? { ref, name: basename(path), format, path: join(path, 'model.json') }
      : { ref, name: basename(path), format, path };
  }
  if (path.endsWith('.json')) return { ref, name: basename(dirname(path)), format: 'tfjs', path };
  // An ONNX file in a transformers.js folder's onnx/ is that folder with a chosen variant.
  const folder = dirname(dirname(path));
  if (basename(dirname(path)) === 'onnx' && existsSync(join(folder, 'config.json')))
    return { ref, name: basename(folder), format: 'transformers.js', path: folder, variant: basename(path) };
  return { ref, name: basename(path).replace(/\.onnx$/, ''), format: 'onnx', path };
}

function resolveBuiltin(ref: string): ResolvedModelRef {
  const name = ref.slice('builtin:'.length);
  const models = join(packageRoot(), 'models');
  const file = join(models, `${name}.onnx`);
  if (existsSync(file)) return { ref, name, format: 'onnx', path: file };
  const folder = join(models, name);
  const format = isFolder(folder) ? folderFormat(folder) : undefined;
  if (!format || name.includes('/') || name.includes('..'))
    throw notFound(`no built-in model ${name}; built-in models: ${builtinModels().join(', ')}`);
  return { ref, name, format, path: format === 'tfjs' ? join(folder, 'model.json') : folder };
}
