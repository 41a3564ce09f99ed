import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AutoImageProcessor, RawImage } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { Backbone } from '../../src/backbone/backbone.js';
import type { HfBackbone } from '../../src/backbone/hf-backbone.js';
import { loadBackbone } from '../../src/backbone/load-backbone.js';
import { blockOutputs } from '../../src/backbone/select-layers.js';
import { packageRoot } from '../../src/core/paths.js';
import type { RecordBatch } from '../../src/data/record-batch.js';
import { captureContract } from './capture-contract.js';
import { onnxCase } from './onnx-case.js';
import { cutReference, originalOutput } from './onnx-reference.js';
import { randomImages } from './onnx-fixtures.js';

/** Real pre-trained models shared with the project (never committed); every check skips without them. */
const assets = process.env.LAYERLAB_ASSETS ?? join(packageRoot(), '..', 'shared', 'assets');
const model = (name: string, file = 'model.onnx') => join(assets, 'models', name, file);
const present = (path: string) => existsSync(path);

const onnxModels = [
  { name: 'mnist-8', images: () => randomImages(3, 28, 28, 1, 21), blocks: 10 },
  { name: 'cifar10-resnet4b', images: () => randomImages(3, 32, 32, 3, 22), blocks: 7 },
  { name: 'vit-cifar10-ibp_3_3_8', images: () => randomImages(3, 32, 32, 3, 23), blocks: 7 },
];
for (const m of onnxModels) {
  describe.skipIf(!present(model(m.name)))(`real model ${m.name}`, () => {
    captureContract(onnxCase(m.name, () => model(m.name), m.images));
  });
}

describe.skipIf(!present(model('cifar10-resnet4b')))('real model block names', () => {
  it('groups an old PyTorch export with numeric tensor names by its weights (layer1.0, ...)', async () => {
    const resnet = await loadBackbone(model('cifar10-resnet4b'));
    expect(blockOutputs(resnet.points).map((p) => [p.block, p.name])).toEqual([
      ['conv1', '28'],
      ['layer1.0', '34'],
      ['layer1.1', '39'],
      ['layer2.0', '45'],
      ['layer2.1', '50'],
      ['linear1', '53'],
      ['linear2', '54'],
    ]);
  });
});

const vitFolder = join(assets, 'models', 'vit-cifar10-ibp_3_3_8-transformersjs');
/** pixel_values from transformers.js's own processor, independent of the backbone's use of it. */
async function pixelFeeds(backbone: Backbone, records: RecordBatch) {
  if (records.kind !== 'image') throw new Error('images expected');
  const processor = await AutoImageProcessor.from_pretrained((backbone as HfBackbone).folder, {
    local_files_only: true,
  });
  const per = records.height * records.width * records.channels;
  const images = Array.from(
    { length: records.count },
    (_, n) => new RawImage(records.pixels.subarray(n * per, (n + 1) * per), records.width, records.height, 3),
  );
  const { pixel_values } = (await processor(images)) as {
    pixel_values: { data: Float32Array; dims: number[] };
  };
  return { pixel_values: new ort.Tensor('float32', pixel_values.data, pixel_values.dims) };
}
describe.skipIf(!present(vitFolder))('real transformers.js image folder', () => {
  captureContract({
    name: 'vit-cifar10-ibp_3_3_8-transformersjs',
    load: () => loadBackbone(vitFolder),
    records: () => Promise.resolve(randomImages(3, 32, 32, 3, 24)),
    reference: async (b, point, r) => cutReference((b as HfBackbone).file, point, await pixelFeeds(b, r)),
    original: async (b, r) => originalOutput((b as HfBackbone).file, await pixelFeeds(b, r)),
  });
});
