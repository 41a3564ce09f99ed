import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectLayers } from '../../src/backbone/select-layers.js';
import { storeGroupSchema } from '../../src/core/contract/store.js';
import { openDataset } from '../../src/data/open-dataset.js';
import { extract } from '../../src/extract/extract.js';
import { FeatureStore, groupValues } from '../../src/store/feature-store.js';
import { tempDir } from '../data/write-datasets.js';
import { makeJpegs, writeJpegFolder } from '../data/write-table-sources.js';
import { tinyBackbone, tinyPreprocess } from '../extract/tiny-backbone.js';
import { runCli } from './cli-run.js';

/** Every feature set's stored bytes (as digests and as values) and the groups, read afresh. */
function snapshot(storeDir: string) {
  const store = FeatureStore.open(storeDir, { write: false });
  try {
    const sets = store.featureSets().map((s) => ({
      key: s.key,
      digest: store.contentDigest(s.key),
      bytes: Buffer.from(store.readFeatures(s.key).buffer).toString('base64'),
    }));
    const groups = store.groups();
    const ids = store.records().ids;
    return {
      sets,
      groups: groups
        ? Object.fromEntries(groupValues(groups).map((g, row) => [ids[row]!, g ?? null]))
        : undefined,
      summary: store.manifest()?.dataset.groups,
    };
  } finally {
    store.close();
  }
}

describe('layerlab store group', () => {
  it('groups a store extracted without groups by a column of the same source, changing no feature byte', async () => {
    const { backbone } = await tinyBackbone();
    const dir = tempDir();
    const records = await makeJpegs(9, 5);
    writeJpegFolder(join(dir, 'images'), records);
    const csv = join(dir, 'labels.csv');
    const site = (id: number) => (id === 9 ? '' : `site${id % 3}`);
    writeFileSync(
      csv,
      `id,file,species,site\n${records.map((r) => `${r.id},images/${r.path},${r.label},${site(r.id)}`).join('\n')}\n`,
    );
    const flags = { imageColumn: 'file', labelColumn: 'species', idColumn: 'id' };
    const storeDir = tempDir('layerlab-store-');
    const extractCsv = async () =>
      extract({
        backbone,
        dataset: await openDataset(csv, flags),
        points: selectLayers(backbone.points, ['block1/relu', 'block2/relu', 'head/pool']),
        pooling: 'mean',
        preprocess: tinyPreprocess,
        storeDir,
        sink: () => {},
        batchSize: 4,
      });
    await extractCsv();
    const before = snapshot(storeDir);
    expect(before.groups).toBeUndefined();

    const dataFlags = ['--image-column', 'file', '--label-column', 'species', '--id-column', 'id'];
    const grouped = await runCli([
      'store',
      'group',
      storeDir,
      '--data',
      csv,
      '--group-column',
      'site',
      ...dataFlags,
      '--json',
    ]);
    expect(grouped.stderr).toBe('');
    expect(grouped.code).toBe(0);
    const doc = storeGroupSchema.parse(JSON.parse(grouped.stdout));
    expect(doc).toEqual({
      store: storeDir,
      rule: { method: 'column', column: 'site' },
      groups: 3,
      records: 8,
      ungrouped: 1,
    });

    const after = snapshot(storeDir);
    expect(after.sets).toEqual(before.sets);
    expect(after.groups).toEqual(Object.fromEntries(records.map((r) => [String(r.id), site(r.id) || null])));
    expect(after.summary).toEqual({ rule: { method: 'column', column: 'site' }, groups: 3, records: 8 });
    const info = await runCli(['store', 'info', storeDir]);
    expect(info.stdout).toContain('groups       3 groups by column site, 8 records in one');

    // extracting again without --group-column computes nothing and keeps the groups
    expect((await extractCsv()).cached).toBe(true);
    expect(snapshot(storeDir)).toEqual(after);
  });

  it('refuses without a group flag, and data the store was not extracted from, in one line each', async () => {
    const { backbone } = await tinyBackbone();
    const dir = tempDir();
    writeJpegFolder(dir, await makeJpegs(4, 2));
    const storeDir = tempDir('layerlab-store-');
    await extract({
      backbone,
      dataset: await openDataset(dir),
      points: selectLayers(backbone.points, ['head/pool']),
      pooling: 'mean',
      preprocess: tinyPreprocess,
      storeDir,
      sink: () => {},
    });
    const noFlag = await runCli(['store', 'group', storeDir, '--data', dir]);
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr.trim().split('\n')).toHaveLength(1);
    expect(noFlag.stderr).toContain('--group-by folder');

    const other = tempDir();
    writeJpegFolder(join(other, 'g1'), await makeJpegs(2, 3));
    const wrong = await runCli(['store', 'group', storeDir, '--data', other, '--group-by', 'folder']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toContain('was extracted from other data');
    expect(snapshot(storeDir).groups).toBeUndefined();
  });
});
