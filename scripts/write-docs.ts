import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/core/paths.js';
import { generatedDocs } from './docs-reference.js';

/** `npm run docs`: rewrites the generated pages of docs/ from the built program. */
for (const [file, generate] of Object.entries(generatedDocs)) {
  writeFileSync(join(packageRoot(), file), generate());
  console.log(`wrote ${file}`);
}
