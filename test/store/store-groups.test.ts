import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeatureStore, groupsOf, groupValues } from '../../src/store/feature-store.js';
import type { StoreManifest } from '../../src/store/manifest.js';

const manifest: StoreManifest = {
  formatVersion: 2,
  id: 'groups',
  createdAt: '2026-01-01T00:00:00.000Z',
  model: { ref: 'm', digest: 'md' },
  dataset: { ref: 'd', digest: 'dd', records: 4, classNames: ['x', 'y'] },
  preprocessing: {},
  preprocessingDigest: 'pd',
  libraryVersions: {},
};
const records = (n: number) => ({
  labels: new Int32Array(n),
  split: new Uint8Array(n),
  ids: Array.from({ length: n }, (_, i) => `r${i}`),
});

describe('groups table', () => {
  it('names groups in sorted order, one index per record, -1 for none', () => {
    const groups = groupsOf(['b', 'a', undefined, 'b', '']);
    expect(groups.names).toEqual(['a', 'b']);
    expect(Array.from(groups.index)).toEqual([1, 0, -1, 1, -1]);
    expect(groupValues(groups)).toEqual(['b', 'a', undefined, 'b', undefined]);
  });

  it('is absent until written, survives reopen and record updates, and is removed by null or clear', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-groups-'));
    const store = FeatureStore.open(dir, { write: true });
    store.initialize(manifest, records(4));
    expect(store.groups()).toBeUndefined();
    const summary = { rule: { method: 'column' as const, column: 'site' }, groups: 2, records: 3 };
    store.setGroups(
      { ...manifest, dataset: { ...manifest.dataset, groups: summary } },
      groupsOf(['x', 'y', 'x', '']),
    );
    store.updateRecords(manifest, records(5), []);
    store.close();

    const reader = FeatureStore.open(dir, { write: false });
    const groups = reader.groups()!;
    expect(groups.names).toEqual(['x', 'y']);
    expect(groups.index).toBeInstanceOf(Int32Array);
    expect(Array.from(groups.index)).toEqual([0, 1, 0, -1]);
    reader.close();

    const writer = FeatureStore.open(dir, { write: true });
    writer.updateRecords(manifest, records(5), [], [], groupsOf(['x', 'y', 'x', '', 'z']));
    expect(Array.from(writer.groups()!.index)).toEqual([0, 1, 0, -1, 2]);
    writer.updateRecords(manifest, records(5), [], [], null);
    expect(writer.groups()).toBeUndefined();
    writer.initialize(manifest, records(2), groupsOf(['a', 'a']));
    expect(writer.groups()!.names).toEqual(['a']);
    writer.clear();
    expect(writer.groups()).toBeUndefined();
    writer.close();
  });
});
