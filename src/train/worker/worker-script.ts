import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where a worker script is, as a file URL. Workers must run compiled JavaScript: from a compiled
 * module (dist/src/train/worker/*.js) the script is its sibling; from a TypeScript source (tests run
 * src/train/worker/*.ts) it is the build output dist/src/train/worker/<name>.js, made by `npm run build`.
 */
export function workerScriptUrl(name: string, from: string = import.meta.url): URL {
  const fromTs = from.endsWith('.ts');
  const url = fromTs
    ? new URL(`../../../dist/src/train/worker/${name}.js`, from)
    : new URL(`./${name}.js`, from);
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`worker script ${fileURLToPath(url)} is missing; run \`npm run build\` first`);
  }
  return url;
}
