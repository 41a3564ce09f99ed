import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from './paths.js';

const require = createRequire(import.meta.url);

/**
 * The installed version of a package, or undefined. Many packages (lmdb, sharp) do not export their
 * package.json, so resolve the entry point and walk up to the package's own manifest.
 */
export function packageVersion(name: string): string | undefined {
  let dir: string;
  try {
    dir = dirname(require.resolve(name));
  } catch {
    return undefined;
  }
  for (let i = 0; i < 8; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (json.name === name) return json.version;
    }
    dir = dirname(dir);
  }
  return undefined;
}

/** layerlab's own version, read from the package root (a checkout does not resolve itself by name). */
export function layerlabVersion(): string {
  const manifest = join(packageRoot(), 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
