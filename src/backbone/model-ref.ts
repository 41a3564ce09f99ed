import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { notFound, usageError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';

export interface ResolvedModelRef {
  /** the ref as the user wrote it */
  ref: string;
  /** a short display name */
  name: string;
  path: string;
}

/** Models built by the project's own scripts, shipped in `models/` (no download). */
export function builtinModels(): string[] {
  const dir = join(packageRoot(), 'models');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => f.slice(0, -'.onnx'.length));
}

/** Resolves a model ref (DESIGN.md, "Model refs"): an `.onnx` file or `builtin:NAME`. */
export function resolveModelRef(ref: string): ResolvedModelRef {
  if (ref.startsWith('builtin:')) {
    const name = ref.slice('builtin:'.length);
    const path = join(packageRoot(), 'models', `${name}.onnx`);
    if (!existsSync(path))
      throw notFound(`no built-in model ${name}; built-in models: ${builtinModels().join(', ')}`);
    return { ref, name, path };
  }
  const path = resolve(ref);
  if (!existsSync(path))
    throw notFound(`model ${ref} not found; pass a path to an .onnx file or builtin:NAME`);
  if (statSync(path).isDirectory())
    throw usageError(
      `model ${ref} is a folder; model folders are not supported yet, pass the .onnx file inside it`,
    );
  const name = path
    .split(/[\\/]/)
    .pop()!
    .replace(/\.onnx$/, '');
  return { ref, name, path };
}
