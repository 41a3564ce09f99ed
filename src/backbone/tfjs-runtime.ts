import { configError } from '../core/errors.js';

import type * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;

export interface TfjsRuntime {
  tf: Tf;
  /** the package that supplied TF.js, e.g. `@tensorflow/tfjs-node` */
  source: string;
}

/** Native bindings first (much faster), then the pure-JS package layerlab lists as optional. */
const PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs'];

/**
 * Imports TF.js on first use: it is an optional dependency only TF.js models need. Its
 * "install the node backend" banner and the native library's startup logs are silenced, so
 * stdout (which may carry --json) and stderr stay clean.
 */
export async function loadTfjs(): Promise<TfjsRuntime> {
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  for (const source of PACKAGES) {
    let tf: Tf;
    try {
      // A variable specifier: the native packages are not dependencies, so not known to the compiler.
      tf = (await import(source)) as Tf;
    } catch (error) {
      if (isMissing(error, source)) continue;
      throw configError(`${source} is installed but failed to load (${firstLine(error)}); reinstall it`);
    }
    tf.enableProdMode();
    return { tf, source };
  }
  throw configError(
    'TF.js models need @tensorflow/tfjs, which is not installed; run `npm install @tensorflow/tfjs` (or @tensorflow/tfjs-node for speed)',
  );
}

function isMissing(error: unknown, source: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(message).includes(source);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);
}
