import { selectLayers } from '../../src/backbone/select-layers.js';
import { openDataset } from '../../src/data/open-dataset.js';
import { extract } from '../../src/extract/extract.js';
import { randomIdx, tempDir, writeIdxPair } from '../data/write-datasets.js';
import { tinyBackbone, tinyPreprocess } from '../extract/tiny-backbone.js';

export const ALL_LAYERS = ['block1/relu', 'block2/relu', 'head/pool', 'head/flat', 'head/logits'];

/** A real store: the tiny CNN's layers extracted from a 30-record IDX dataset (batch 8). */
export async function extractedStore(records = 30, layers = ALL_LAYERS) {
  const { backbone } = await tinyBackbone();
  const data = tempDir();
  const set = randomIdx(records, 4);
  writeIdxPair(data, 'train', set);
  const storeDir = tempDir('layerlab-store-');
  const dataset = await openDataset(data);
  try {
    const result = await extract({
      backbone,
      dataset,
      points: selectLayers(backbone.points, layers),
      pooling: 'mean',
      preprocess: tinyPreprocess,
      storeDir,
      sink: () => {},
      batchSize: 8,
    });
    // closed here (its file handles are not left to the collector); its ids and split stay readable
    return { storeDir, result, dataset, labels: set.labels };
  } finally {
    await dataset.close?.();
  }
}
