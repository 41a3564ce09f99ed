import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled thread script `name` beside the module `from` (its import.meta.url). Threads run
 * compiled JavaScript: from a compiled module (dist/src/STAGE/*.js) the script is its sibling; from
 * a TypeScript source (tests run src/STAGE/*.ts) it is the build's dist/src/STAGE/NAME.
 */
export function threadScript(from: string, name: string): URL {
  const sibling = new URL(`./${name}`, from);
  const url = from.endsWith('.ts')
    ? new URL(sibling.href.replace(/\/src\/(?!.*\/src\/)/, '/dist/src/'))
    : sibling;
  if (!existsSync(fileURLToPath(url)))
    throw new Error(`${fileURLToPath(url)} is missing; run \`npm run build\` first`);
  return url;
}
