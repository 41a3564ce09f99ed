import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OnnxBackbone } from '../../src/backbone/onnx-backbone.js';
import { selectLayers } from '../../src/backbone/select-layers.js';
import type { LayerlabEvent } from '../../src/core/events.js';
import { extract } from '../../src/extract/extract.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { resolveImagePreprocess } from '../../src/backbone/image-preprocess.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';

const preprocess = resolveImagePreprocess(['N', 3, 8, 8]);
import { tinyDataset } from '../fixtures/tiny-dataset.js';

describe('extract', () => {
  let backbone: OnnxBackbone;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-extract-'));
    writeFileSync(join(dir, 'tiny.onnx'), tinyCnn());
    backbone = await OnnxBackbone.load(join(dir, 'tiny.onnx'));
  });

  it('materializes every layer in one pass per batch, then reuses the store', async () => {
    const storeDir = mkdtempSync(join(tmpdir(), 'layerlab-store-'));
    const dataset = tinyDataset(50);
    const events: LayerlabEvent[] = [];
    const points = selectLayers(backbone.points, ['blocks']);
    const first = await extract({
      backbone,
      dataset,
      points,
      pooling: 'mean',
      preprocess,
      storeDir,
      sink: (e) => events.push(e),
      maxBatchSize: 16,
    });
    expect(first.cached).toBe(false);
    expect(first.featureSets.map((s) => [s.layer, s.dims, s.records])).toEqual([
      ['block1/relu', 4, 50],
      ['block2/relu', 6, 50],
      ['head/logits', 3, 50],
    ]);
    expect(dataset.reads).toBe(4); // ceil(50/16) batches, each read once for all layers
    expect(events.at(-1)).toMatchObject({ type: 'extract.end', cached: false });
    expect(events.filter((e) => e.type === 'extract.progress').at(-1)).toMatchObject({
      records: 50,
      total: 50,
    });

    // The stored values equal a direct capture of the same records.
    const session = await backbone.openCapture(points, 'mean', { threads: 1, preprocess });
    const direct = await session.run(await dataset.readBatch(0, 50));
    await session.release();
    const store = FeatureStore.open(storeDir, { write: false });
    first.featureSets.forEach((set, i) =>
      expect(Array.from(store.readFeatures(set.key))).toEqual(Array.from(direct[i]!)),
    );
    store.close();

    const again = tinyDataset(50);
    const second = await extract({
      backbone,
      dataset: again,
      points,
      pooling: 'mean',
      preprocess,
      storeDir,
      sink: () => {},
    });
    expect(second.cached).toBe(true);
    expect(again.reads).toBe(0);
    expect(second.featureSets.map((s) => s.key)).toEqual(first.featureSets.map((s) => s.key));
  });

  it('computes only the feature sets that are missing', async () => {
    const storeDir = mkdtempSync(join(tmpdir(), 'layerlab-store-'));
    await extract({
      backbone,
      dataset: tinyDataset(20),
      points: selectLayers(backbone.points, ['block1/relu']),
      pooling: 'mean',
      preprocess,
      storeDir,
      sink: () => {},
    });
    const events: LayerlabEvent[] = [];
    const result = await extract({
      backbone,
      dataset: tinyDataset(20),
      points: selectLayers(backbone.points, ['block1/relu', 'block2/relu']),
      pooling: 'mean',
      preprocess,
      storeDir,
      sink: (e) => events.push(e),
    });
    expect(result.cached).toBe(false);
    expect(events[0]).toMatchObject({ type: 'extract.start', reused: ['block1/relu'] });
    const store = FeatureStore.open(storeDir, { write: false });
    expect(store.featureSets().filter((s) => s.complete)).toHaveLength(2);
    store.close();
  });

  it('stops between batches when interrupted and resumes to identical features', async () => {
    const storeDir = mkdtempSync(join(tmpdir(), 'layerlab-store-'));
    const points = selectLayers(backbone.points, ['blocks']);
    const controller = new AbortController();
    const dataset = tinyDataset(40);
    const readBatch = dataset.readBatch.bind(dataset);
    // Abort once the third batch has been read: batches 0 and 1 are committed, the rest is not.
    dataset.readBatch = (start, count) => {
      if (dataset.reads === 2) controller.abort();
      return readBatch(start, count);
    };
    const interrupted = extract({
      backbone,
      dataset,
      points,
      pooling: 'mean',
      preprocess,
      storeDir,
      sink: () => {},
      signal: controller.signal,
      maxBatchSize: 8,
    });
    await expect(interrupted).rejects.toMatchObject({ exitCode: 130 });
    const partial = FeatureStore.open(storeDir, { write: false });
    const sets = partial.featureSets();
    expect(sets.every((s) => !s.complete)).toBe(true);
    const storedBefore = partial.storedBatches(sets[0]!.key);
    partial.close();
    expect(storedBefore).toBeGreaterThan(0);
    expect(storedBefore).toBeLessThan(5);

    const resumedData = tinyDataset(40);
    const resumed = await extract({
      backbone,
      dataset: resumedData,
      points,
      pooling: 'mean',
      preprocess,
      storeDir,
      sink: () => {},
      maxBatchSize: 8,
    });
    expect(resumedData.reads).toBe(5 - storedBefore);
    const fresh = mkdtempSync(join(tmpdir(), 'layerlab-store-'));
    await extract({
      backbone,
      dataset: tinyDataset(40),
      points,
      pooling: 'mean',
      preprocess,
      storeDir: fresh,
      sink: () => {},
      maxBatchSize: 8,
    });
    const a = FeatureStore.open(storeDir, { write: false });
    const b = FeatureStore.open(fresh, { write: false });
    for (const set of resumed.featureSets)
      expect(Array.from(a.readFeatures(set.key))).toEqual(Array.from(b.readFeatures(set.key)));
    a.close();
    b.close();
  });
});
