import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackbone } from '../../src/backbone/load-backbone.js';
import type { OnnxBackbone } from '../../src/backbone/onnx-backbone.js';
import { selectLayers } from '../../src/backbone/select-layers.js';
import type { DataSource } from '../../src/data/data-source.js';
import { openDataset } from '../../src/data/open-dataset.js';
import { extract } from '../../src/extract/extract.js';
import { FeatureStore, groupValues } from '../../src/store/feature-store.js';
import { tempDir, writeImages } from '../data/write-datasets.js';
import { duckdbRun, makeJpegs, writePathCsv } from '../data/write-table-sources.js';
import { tinyBackbone, tinyPreprocess } from './tiny-backbone.js';

/** Each stored record's group by id, and the manifest's account of them. */
function storedGroups(storeDir: string) {
  const store = FeatureStore.open(storeDir, { write: false });
  try {
    const groups = store.groups();
    const ids = store.records().ids;
    const values = groups ? groupValues(groups) : [];
    return {
      byId: groups ? Object.fromEntries(ids.map((id, row) => [id, values[row] ?? null])) : undefined,
      rows: groups?.index.length,
      summary: store.manifest()?.dataset.groups,
    };
  } finally {
    store.close();
  }
}

describe('record groups in the store', () => {
  let backbone: OnnxBackbone;
  beforeAll(async () => {
    ({ backbone } = await tinyBackbone());
  });
  const extractInto = (dataset: DataSource, storeDir: string, signal?: AbortSignal) =>
    extract({
      backbone,
      dataset,
      points: selectLayers(backbone.points, ['block1/relu', 'head/pool']),
      pooling: 'mean',
      preprocess: tinyPreprocess,
      storeDir,
      sink: () => {},
      batchSize: 2,
      ...(signal ? { signal } : {}),
    });

  it('groups images by folder (GROUP/CLASS/IMAGE) and keeps the groups through resume and append', async () => {
    const root = tempDir();
    await writeImages(root, {
      'siteA/cat/1.png': 1,
      'siteA/dog/2.png': 2,
      'siteA/dog/3.png': 3,
      'siteB/cat/4.png': 4,
      'siteB/cat/5.png': 5,
      'siteB/dog/6.png': 6,
    });
    const dataset = await openDataset(root, { groupBy: 'folder' });
    expect(dataset.classNames).toEqual(['cat', 'dog']);
    expect(dataset.groupRule).toEqual({ method: 'folder' });
    const storeDir = tempDir('layerlab-store-');
    // interrupted after the first batch: the groups are in the store from the start
    const controller = new AbortController();
    const read = dataset.readRecords!.bind(dataset);
    let reads = 0;
    dataset.readRecords = (indices, options) => {
      if (++reads === 2) controller.abort();
      return read(indices, options);
    };
    await expect(extractInto(dataset, storeDir, controller.signal)).rejects.toMatchObject({ exitCode: 130 });
    const expected = {
      'siteA/cat/1.png': 'siteA',
      'siteA/dog/2.png': 'siteA',
      'siteA/dog/3.png': 'siteA',
      'siteB/cat/4.png': 'siteB',
      'siteB/cat/5.png': 'siteB',
      'siteB/dog/6.png': 'siteB',
    };
    expect(storedGroups(storeDir).byId).toEqual(expected);
    const resumed = await extractInto(await openDataset(root, { groupBy: 'folder' }), storeDir);
    expect(resumed.cached).toBe(false);
    expect(storedGroups(storeDir)).toEqual({
      byId: expected,
      rows: 6,
      summary: { rule: { method: 'folder' }, groups: 2, records: 6 },
    });
    expect((await extractInto(await openDataset(root, { groupBy: 'folder' }), storeDir)).cached).toBe(true);

    // a new site's image lands in the middle of the folder order, appended after the stored rows
    await writeImages(root, { 'siteAB/cat/7.png': 7 });
    const grown = await extractInto(await openDataset(root, { groupBy: 'folder' }), storeDir);
    expect(grown.appended?.records).toBe(1);
    const after = storedGroups(storeDir);
    expect(after.byId).toEqual({ ...expected, 'siteAB/cat/7.png': 'siteAB' });
    expect(after.summary).toEqual({ rule: { method: 'folder' }, groups: 3, records: 7 });
  });

  it('groups the rows of a Parquet file by a column', async () => {
    const dir = tempDir();
    const records = await makeJpegs(8, 3);
    writePathCsv(dir, records);
    const parquet = join(dir, 'photos.parquet');
    const csv = join(dir, 'labels.csv').replace(/'/g, "''");
    await duckdbRun(':memory:', [
      `COPY (SELECT id, file, species, CASE WHEN id % 3 = 0 THEN NULL ELSE 'site' || (id % 2) END AS site FROM read_csv('${csv}') ORDER BY id) TO '${parquet.replace(/'/g, "''")}' (FORMAT parquet)`,
    ]);
    const storeDir = tempDir('layerlab-store-');
    const dataset = await openDataset(parquet, {
      imageColumn: 'file',
      labelColumn: 'species',
      idColumn: 'id',
      groupColumn: 'site',
    });
    await extractInto(dataset, storeDir);
    await dataset.close?.();
    const { byId, summary } = storedGroups(storeDir);
    expect(byId).toEqual(
      Object.fromEntries(records.map((r) => [String(r.id), r.id % 3 === 0 ? null : `site${r.id % 2}`])),
    );
    expect(summary).toEqual({ rule: { method: 'column', column: 'site' }, groups: 2, records: 6 });
  });

  it('groups the records of a text CSV by a column, with --id-column values as record ids', async () => {
    const text = await loadBackbone('builtin:tiny-bert');
    const csv = join(tempDir(), 'reviews.csv');
    writeFileSync(
      csv,
      'key,text,label,author\nr7,"a good, warm film",pos,ann\nr3,terrible,neg,bob\nr9,fine,pos,ann\nr1,boring,neg,\n',
    );
    const dataset = await openDataset(csv, { idColumn: 'key', groupColumn: 'author' });
    expect([...dataset.ids]).toEqual(['r7', 'r3', 'r9', 'r1']);
    expect(dataset.keyedIds).toBe(true);
    const storeDir = tempDir('layerlab-store-');
    await extract({
      backbone: text,
      dataset,
      points: selectLayers(text.points, ['blocks']),
      pooling: 'mean',
      preprocess: text.resolvePreprocess({}),
      storeDir,
      sink: () => {},
    });
    expect(storedGroups(storeDir)).toEqual({
      byId: { r7: 'ann', r3: 'bob', r9: 'ann', r1: null },
      rows: 4,
      summary: { rule: { method: 'column', column: 'author' }, groups: 2, records: 3 },
    });
    // without --id-column the row numbers stay the ids, as before
    expect([...(await openDataset(csv, { groupColumn: 'author' })).ids]).toEqual(['0', '1', '2', '3']);
  });
});
