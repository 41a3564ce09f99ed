import { layerlabVersion, packageVersion } from '../core/package-version.js';

/** Versions recorded in every store manifest, so a store says what produced it. */
export function libraryVersions(): Record<string, string> {
  return {
    node: process.versions.node,
    'onnxruntime-node': packageVersion('onnxruntime-node') ?? 'unknown',
    lmdb: packageVersion('lmdb') ?? 'unknown',
    layerlab: layerlabVersion(),
  };
}
