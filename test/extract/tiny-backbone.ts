import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxBackbone } from '../../src/backbone/onnx-backbone.js';
import { resolveImagePreprocess } from '../../src/backbone/image-preprocess.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { tempDir } from '../data/write-datasets.js';

/** The fixtures' tiny CNN ([N,3,8,8] -> 2 conv blocks -> logits) written to a temp file and loaded. */
export async function tinyBackbone(): Promise<{ backbone: OnnxBackbone; path: string }> {
  const path = join(tempDir('layerlab-model-'), 'tiny.onnx');
  writeFileSync(path, tinyCnn());
  return { backbone: await OnnxBackbone.load(path), path };
}

export const tinyPreprocess = resolveImagePreprocess(['N', 3, 8, 8]);
