/**
 * Writes models/tiny-bert/: a tiny BERT-style text encoder in transformers.js folder layout
 * (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx) with random weights, the
 * text fixture behind `builtin:tiny-bert`. Deterministic; takes well under a second.
 *
 *   npm run build && node dist/models/build-tiny-bert.js [--out DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './repo-paths.js';
import { tinyBertFiles } from './tiny-bert-build.js';

const { values } = parseArgs({
  options: { out: { type: 'string', default: join(repoRoot(), 'models', 'tiny-bert') } },
});
for (const [path, bytes] of tinyBertFiles()) {
  const target = join(values.out, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, bytes);
  console.log(`wrote ${target} (${bytes.length} bytes)`);
}
