import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBackbone } from '../../src/backbone/load-backbone.js';
import { selectLayers } from '../../src/backbone/select-layers.js';
import type { DataSource } from '../../src/data/data-source.js';
import { openDataset } from '../../src/data/open-dataset.js';
import { extract } from '../../src/extract/extract.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { randomIdx, tempDir, writeIdxPair } from '../data/write-datasets.js';
import { tinyBackbone, tinyPreprocess } from './tiny-backbone.js';

describe('storage dtype and text datasets', () => {
  // every dataset a test opens is closed after it: its file handles are not left to the collector
  const datasets: DataSource[] = [];
  const opened = async (ref: string): Promise<DataSource> => {
    const dataset = await openDataset(ref);
    datasets.push(dataset);
    return dataset;
  };
  afterEach(async () => {
    for (const dataset of datasets.splice(0)) await dataset.close?.();
  });

  it('stores float16 as its own feature set, within half precision of float32', async () => {
    const { backbone } = await tinyBackbone();
    const data = tempDir();
    writeIdxPair(data, 'train', randomIdx(24, 3));
    const storeDir = tempDir('layerlab-store-');
    const run = async (dtype: 'float32' | 'float16') =>
      extract({
        backbone,
        dataset: await opened(data),
        points: selectLayers(backbone.points, ['block2/relu']),
        pooling: 'mean',
        preprocess: tinyPreprocess,
        storeDir,
        sink: () => {},
        dtype,
      });
    const full = await run('float32');
    const half = await run('float16');
    expect(half.cached).toBe(false);
    expect(half.featureSets[0]!.key).not.toBe(full.featureSets[0]!.key);
    const store = FeatureStore.open(storeDir, { write: false });
    const a = store.readFeatures(full.featureSets[0]!.key);
    const b = store.readFeatures(half.featureSets[0]!.key);
    expect(store.featureSet(half.featureSets[0]!.key)!.dtype).toBe('float16');
    a.forEach((v, i) => expect(Math.abs(b[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 1e-3 + 1e-6));
    store.close();
  });

  it('extracts a CSV of texts with a transformers.js text model (tiny BERT)', async () => {
    const backbone = await loadBackbone('builtin:tiny-bert');
    const dir = tempDir();
    const csv = join(dir, 'reviews.csv');
    writeFileSync(
      csv,
      'text,label\n"a good, warm film",pos\nterrible,neg\n"fine ""really""",pos\nboring,neg\n',
    );
    const storeDir = tempDir('layerlab-store-');
    const options = {
      backbone,
      points: selectLayers(backbone.points, ['blocks']),
      pooling: 'mean' as const,
      preprocess: backbone.resolvePreprocess({}),
      storeDir,
      sink: () => {},
    };
    const first = await extract({ ...options, dataset: await opened(csv) });
    expect(first.featureSets.every((s) => s.records === 4 && s.dims === 32)).toBe(true);
    // A row appended to the table: only it is extracted.
    writeFileSync(
      csv,
      'text,label\n"a good, warm film",pos\nterrible,neg\n"fine ""really""",pos\nboring,neg\ngreat,pos\n',
    );
    const grown = await extract({ ...options, dataset: await opened(csv) });
    expect(grown.cached).toBe(false);
    expect(grown.featureSets.every((s) => s.records === 5)).toBe(true);
    expect(grown.plan.batches).toBe(1);
    expect((await extract({ ...options, dataset: await opened(csv) })).cached).toBe(true);
  });
});
