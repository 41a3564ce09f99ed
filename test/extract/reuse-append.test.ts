import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OnnxBackbone } from '../../src/backbone/onnx-backbone.js';
import { selectLayers } from '../../src/backbone/select-layers.js';
import type { LayerlabEvent } from '../../src/core/events.js';
import type { DataSource } from '../../src/data/data-source.js';
import { openDataset } from '../../src/data/open-dataset.js';
import { extract, type ExtractOptions } from '../../src/extract/extract.js';
import { formatExtractResult } from '../../src/extract/format-extract.js';
import { exportFeatures } from '../../src/store/export-features.js';
import { FeatureStore, SKIPPED_SPLIT } from '../../src/store/feature-store.js';
import { randomIdx, tempDir, writeIdxPair, writeImages } from '../data/write-datasets.js';
import { counting } from './counting-source.js';
import { tinyBackbone, tinyPreprocess } from './tiny-backbone.js';

describe('reuse, partial reuse and incremental append', () => {
  let backbone: OnnxBackbone;
  beforeAll(async () => {
    ({ backbone } = await tinyBackbone());
  });

  // every dataset a test opens is closed after it: its file handles are not left to the collector
  const datasets: DataSource[] = [];
  const opened = async (...args: Parameters<typeof openDataset>): Promise<DataSource> => {
    const dataset = await openDataset(...args);
    datasets.push(dataset);
    return dataset;
  };
  afterEach(async () => {
    for (const dataset of datasets.splice(0)) await dataset.close?.();
  });

  const run = (
    dataset: DataSource,
    storeDir: string,
    layers: string[],
    extra: Partial<ExtractOptions> = {},
  ) => {
    const events: LayerlabEvent[] = [];
    const result = extract({
      backbone,
      dataset,
      points: selectLayers(backbone.points, layers),
      pooling: 'mean',
      preprocess: tinyPreprocess,
      storeDir,
      sink: (e) => events.push(e),
      batchSize: 8,
      ...extra,
    });
    return result.then((r) => ({ ...r, events }));
  };

  const features = (storeDir: string) => {
    const store = FeatureStore.open(storeDir, { write: false });
    const out = Object.fromEntries(
      store
        .featureSets()
        .filter((s) => s.complete)
        .map((s) => [s.layer, Array.from(store.readFeatures(s.key))]),
    );
    store.close();
    return out;
  };

  it('computes nothing when every feature set exists, and only the new layers otherwise', async () => {
    const dir = tempDir();
    writeIdxPair(dir, 'train', randomIdx(30, 2));
    const storeDir = tempDir('layerlab-store-');
    const four = ['block1/conv', 'block1/relu', 'block2/conv', 'block2/relu'];
    const first = counting(await opened(dir));
    expect((await run(first, storeDir, four)).cached).toBe(false);
    expect(first.recordsRead).toBe(30);

    const again = counting(await opened(dir));
    const cached = await run(again, storeDir, four);
    expect(cached.cached).toBe(true);
    expect(again.recordsRead).toBe(0);
    expect(cached.featureSets.every((s) => s.reused)).toBe(true);

    const six = counting(await opened(dir));
    const partial = await run(six, storeDir, [...four, 'head/pool', 'head/logits']);
    expect(partial.cached).toBe(false);
    expect(six.recordsRead).toBe(30); // one pass over the data for the two new layers
    expect(partial.plan.stages[0]!.points).toEqual(['head/pool', 'head/logits']);
    expect(partial.events[0]).toMatchObject({ type: 'extract.start', reused: four });
    expect(partial.featureSets.filter((s) => !s.reused).map((s) => s.layer)).toEqual([
      'head/pool',
      'head/logits',
    ]);
    expect(partial.featureSets.map((s) => s.status)).toEqual([
      ...four.map(() => 'stored'),
      'computed',
      'computed',
    ]);
    expect(partial.appended).toEqual({ records: 0, featureSets: 0 });
    expect(formatExtractResult(partial)).toMatch(/\ncomputed 2 of 6 feature sets \(one-pass/);
  });

  it('extracts only the rows appended to an IDX file, ending equal to a fresh extraction', async () => {
    const dir = tempDir();
    const all = randomIdx(53, 5);
    const head = { images: all.images.subarray(0, 43 * 64), labels: all.labels.subarray(0, 43) };
    writeIdxPair(dir, 'train', head, { gz: true });
    const storeDir = tempDir('layerlab-store-');
    const layers = ['block1/relu', 'block2/relu', 'head/logits'];
    await run(await opened(dir), storeDir, layers);
    writeIdxPair(dir, 'train', all, { gz: true });
    const grown = counting(await opened(dir));
    const appended = await run(grown, storeDir, layers);
    expect(appended.cached).toBe(false);
    expect(grown.recordsRead).toBe(10);
    expect(grown.readIndices).toEqual(Array.from({ length: 10 }, (_, i) => 43 + i));
    expect(appended.events.some((e) => e.type === 'log' && /10 new records/.test(e.message))).toBe(true);
    expect(appended.featureSets.every((s) => s.records === 53)).toBe(true);
    // it says what happened: the 3 stored sets kept their 43 rows and gained 10
    expect(appended.featureSets.map((s) => [s.status, s.computedRecords, s.reused])).toEqual(
      layers.map(() => ['appended', 10, false]),
    );
    expect(appended.appended).toEqual({ records: 10, featureSets: 3 });
    expect(appended.events.find((e) => e.type === 'extract.start')).toMatchObject({
      reused: [],
      appended: layers,
      appendedRecords: 10,
    });
    const summary = formatExtractResult(appended).split('\n');
    expect(summary).toContainEqual(expect.stringMatching(/^appended 10 records to 3 feature sets \(/));
    expect(summary.filter((l) => l.startsWith('block'))).toEqual([
      expect.stringMatching(/^block1\/relu .* 53 +appended 10$/),
      expect.stringMatching(/^block2\/relu .* 53 +appended 10$/),
    ]);
    expect(summary.join('\n')).not.toMatch(/computed/);

    const fresh = tempDir('layerlab-store-');
    await run(await opened(dir), fresh, layers);
    expect(features(storeDir)).toEqual(features(fresh));
  });

  it('appends new image files in the middle of the order, exporting rows in canonical order', async () => {
    const root = tempDir();
    await writeImages(root, { 'a/1.png': 1, 'a/3.png': 3, 'b/1.png': 4, 'b/3.png': 5 });
    const storeDir = tempDir('layerlab-store-');
    await run(await opened(root), storeDir, ['block2/relu']);
    await writeImages(root, { 'a/2.png': 2, 'b/2.png': 6 });
    const grown = counting(await opened(root));
    await run(grown, storeDir, ['block2/relu']);
    expect(grown.recordsRead).toBe(2);
    const fresh = tempDir('layerlab-store-');
    await run(await opened(root), fresh, ['block2/relu']);
    const exported = async (dir: string) => {
      const out = tempDir('layerlab-export-');
      const store = FeatureStore.open(dir, { write: false });
      await exportFeatures(store, { layer: 'block2/relu', format: 'npy', out });
      store.close();
      return {
        features: readFileSync(join(out, 'features.npy')),
        labels: readFileSync(join(out, 'labels.npy')),
        ids: (JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { ids: string[] }).ids,
      };
    };
    const a = await exported(storeDir);
    const b = await exported(fresh);
    expect(a.ids).toEqual(['a/1.png', 'a/2.png', 'a/3.png', 'b/1.png', 'b/2.png', 'b/3.png']);
    expect(a).toEqual(b);
  });

  it('recomputes everything when a stored record changed, and only rewrites the table when labels or split did', async () => {
    const dir = tempDir();
    const set = randomIdx(20, 6);
    writeIdxPair(dir, 'train', set);
    const storeDir = tempDir('layerlab-store-');
    await run(await opened(dir, { seed: 1 }), storeDir, ['block2/relu']);
    const reseeded = counting(await opened(dir, { seed: 2 }));
    const resplit = await run(reseeded, storeDir, ['block2/relu']);
    expect(resplit.cached).toBe(true);
    expect(reseeded.recordsRead).toBe(0);
    const store = FeatureStore.open(storeDir, { write: false });
    expect(Array.from(store.records().split)).toEqual(Array.from(reseeded.split));
    store.close();

    set.images[5] = 255 - set.images[5]!;
    writeIdxPair(dir, 'train', set);
    const changed = counting(await opened(dir, { seed: 2 }));
    const redone = await run(changed, storeDir, ['block2/relu']);
    expect(changed.recordsRead).toBe(20);
    expect(
      redone.events.some((e) => e.type === 'log' && e.level === 'warn' && /changed/.test(e.message)),
    ).toBe(true);
  });

  it('skips and lists images that fail to decode, and fails the run under strict', async () => {
    const root = tempDir();
    await writeImages(root, { 'a/1.png': 1, 'a/2.png': 2, 'b/1.png': 3, 'b/bad.png': 'not an image' });
    const storeDir = tempDir('layerlab-store-');
    const result = await run(await opened(root), storeDir, ['block2/relu']);
    expect(result.skipped).toEqual([expect.objectContaining({ id: 'b/bad.png' })]);
    const store = FeatureStore.open(storeDir, { write: false });
    expect(store.records().split[3]).toBe(SKIPPED_SPLIT);
    const out = tempDir('layerlab-export-');
    const summary = await exportFeatures(store, { layer: 'block2/relu', format: 'npy', out });
    store.close();
    expect(summary.rows).toBe(3);
    // A cached re-run still lists them.
    expect((await run(await opened(root), storeDir, ['block2/relu'])).skipped).toHaveLength(1);

    const strictStore = tempDir('layerlab-store-');
    await expect(
      run(await opened(root), strictStore, ['block2/relu'], { strict: true }),
    ).rejects.toMatchObject({
      exitCode: 65,
      message: expect.stringMatching(/b\/bad.png could not be decoded/) as unknown as string,
    });
  });
});
