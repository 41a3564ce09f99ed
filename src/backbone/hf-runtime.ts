import { join } from 'node:path';
import { resolveHome } from '../core/paths.js';

import type * as transformers from '@huggingface/transformers';

export type TransformersJs = typeof transformers;

/** Where transformers.js caches downloads: under layerlab's home, never inside node_modules. */
export function transformersCacheDir(home?: string): string {
  return join(home ?? resolveHome(undefined), 'transformers-cache');
}

/**
 * Imports @huggingface/transformers on first use (it is heavy and only model folders need it) and
 * sets its environment: local files always allowed, remote downloads only when the user opted in,
 * downloads cached under layerlab's home, warnings silenced so stdout and stderr stay clean.
 */
export async function loadTransformers(options: {
  allowRemote?: boolean;
  home?: string;
}): Promise<TransformersJs> {
  const library = await import('@huggingface/transformers');
  const { env, LogLevel } = library;
  env.allowLocalModels = true;
  env.allowRemoteModels = options.allowRemote === true;
  env.cacheDir = transformersCacheDir(options.home);
  env.logLevel = LogLevel.ERROR;
  return library;
}
