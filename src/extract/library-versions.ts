import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../core/paths.js';

const require = createRequire(import.meta.url);

/** Versions recorded in every store manifest, so a store says what produced it. */
export function libraryVersions(): Record<string, string> {
  const versionOf = (name: string) => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    node: process.versions.node,
    'onnxruntime-node': versionOf('onnxruntime-node'),
    lmdb: versionOf('lmdb'),
    layerlab: versionOf(join(packageRoot(), 'package.json').replace(/package\.json$/, '')),
  };
}
