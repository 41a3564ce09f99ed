import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectLayers } from '../../src/backbone/select-layers.js';
import { openDataset } from '../../src/data/open-dataset.js';
import { extract } from '../../src/extract/extract.js';
import { FeatureStore, groupValues } from '../../src/store/feature-store.js';
import { collectGarbage } from '../../src/store/gc-store.js';
import { tempDir } from '../data/write-datasets.js';
import { makeJpegs, writeJpegFolder, type JpegRecord } from '../data/write-table-sources.js';
import { tinyBackbone, tinyPreprocess } from '../extract/tiny-backbone.js';

/** Per record id: its features in every complete set, its label, split and group. */
function byId(storeDir: string) {
  const store = FeatureStore.open(storeDir, { write: false });
  try {
    const table = store.records();
    const groups = store.groups();
    const group = groups ? groupValues(groups) : [];
    const sets = store.featureSets().filter((s) => s.complete);
    const out: Record<string, unknown> = {};
    for (const row of store.canonicalRows({ withSkipped: false }))
      out[table.ids[row]!] = {
        label: table.labels[row],
        split: table.split[row],
        group: group[row] ?? null,
        features: sets.map((s) => Array.from(store.readRows(s.key, [row]))),
      };
    return {
      out,
      rows: table.ids.length,
      skipped: store.skipped().length,
      bad: sets.flatMap((s) => store.verifyFeatureSet(s.key)),
    };
  } finally {
    store.close();
  }
}

describe('store gc reclaims retired rows', () => {
  it('drops the rows of deleted and changed records from every set, ending equal to a fresh extraction', async () => {
    const { backbone } = await tinyBackbone();
    const dir = tempDir();
    const records = await makeJpegs(10, 7);
    const extra = await makeJpegs(1, 99);
    writeJpegFolder(join(dir, 'images'), [...records, { ...extra[0]!, path: 'c9/changed.jpg' }]);
    const csv = join(dir, 'labels.csv');
    const writeCsv = (rows: readonly JpegRecord[]) =>
      writeFileSync(
        csv,
        `id,file,species,site\n${rows.map((r) => `${r.id},images/${r.path},${r.label},s${r.id % 2}`).join('\n')}\n`,
      );
    const flags = { imageColumn: 'file', labelColumn: 'species', idColumn: 'id', groupColumn: 'site' };
    const run = async (storeDir: string) =>
      extract({
        backbone,
        dataset: await openDataset(csv, flags),
        points: selectLayers(backbone.points, ['block1/relu', 'head/pool']),
        pooling: 'mean',
        preprocess: tinyPreprocess,
        storeDir,
        sink: () => {},
        batchSize: 3,
      });
    writeCsv(records);
    const storeDir = tempDir('layerlab-store-');
    await run(storeDir);
    // records 2 and 7 deleted, record 5 now points at another image (changed): 3 rows set aside
    const now = records
      .filter((r) => r.id !== 2 && r.id !== 7)
      .map((r) => (r.id === 5 ? { ...r, path: 'c9/changed.jpg' } : r));
    writeCsv(now);
    await run(storeDir);
    expect(byId(storeDir)).toMatchObject({ rows: 11, skipped: 3 });

    expect(await collectGarbage(storeDir, { dryRun: true })).toEqual({ removed: [], retiredRows: 3 });
    expect(await collectGarbage(storeDir)).toEqual({ removed: [], retiredRows: 3 });
    const fresh = tempDir('layerlab-store-');
    await run(fresh);
    const reclaimed = byId(storeDir);
    expect(reclaimed).toMatchObject({ rows: 8, skipped: 0, bad: [] });
    expect(reclaimed.out).toEqual(byId(fresh).out);
    expect(Object.keys(reclaimed.out)).toHaveLength(8);
    // the store still matches its data: nothing to compute, nothing left to reclaim
    expect((await run(storeDir)).cached).toBe(true);
    expect(await collectGarbage(storeDir)).toEqual({ removed: [] });
  });
});
