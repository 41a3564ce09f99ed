/**
 * Feature stores as the UI shows them, read through the store's own read-only API (LMDB stays out
 * of src/ui). Each store is opened for one read and closed again, so a store being written by a
 * running extraction is never held open.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FeatureStore } from '../../store/feature-store.js';
import { featureSetBytes } from '../../store/manifest.js';
import type { StoreDetail, StoreSummary } from '../../ui/backend.js';

/** Bytes the store's data file takes on disk (allocated blocks, so a sparse file counts as it is). */
function diskBytes(dir: string): number {
  try {
    const stats = statSync(join(dir, 'features.mdb'));
    return stats.blocks > 0 ? Math.min(stats.size, stats.blocks * 512) : stats.size;
  } catch {
    return 0;
  }
}

function withStore<T>(dir: string, read: (store: FeatureStore) => T): T {
  const store = FeatureStore.open(dir, { write: false });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

function summarize(dir: string, store: FeatureStore): StoreSummary {
  const manifest = store.manifest();
  const sets = store.featureSets().filter((s) => s.temporary !== true);
  return {
    id: basename(dir),
    dir,
    backbone: manifest?.model.ref ?? '?',
    dataset: manifest?.dataset.ref ?? '?',
    layers: sets.filter((s) => s.complete).length,
    featureSets: sets.length,
    records: manifest?.dataset.records ?? 0,
    sizeBytes: diskBytes(dir),
    createdAt: manifest?.createdAt ?? '',
  };
}

function unreadable(dir: string, error: unknown): StoreSummary {
  return {
    id: basename(dir),
    dir,
    backbone: '?',
    dataset: '?',
    layers: 0,
    featureSets: 0,
    records: 0,
    sizeBytes: diskBytes(dir),
    createdAt: '',
    error: `unreadable: ${error instanceof Error ? error.message : String(error)}`,
  };
}

export function listStores(storesRoot: string): StoreSummary[] {
  if (!existsSync(storesRoot)) return [];
  return readdirSync(storesRoot)
    .map((name) => join(storesRoot, name))
    .filter((dir) => FeatureStore.exists(dir))
    .map((dir) => {
      try {
        return withStore(dir, (store) => summarize(dir, store));
      } catch (error) {
        return unreadable(dir, error);
      }
    });
}

export function readStoreDetail(dir: string): StoreDetail {
  return withStore(dir, (store) => {
    const manifest = store.manifest();
    if (manifest === undefined) throw new Error(`store ${dir} has no manifest yet`);
    const split = { train: 0, val: 0, test: 0 };
    for (const s of store.records().split) {
      if (s === 0) split.train++;
      else if (s === 1) split.val++;
      else if (s === 2) split.test++;
    }
    return {
      summary: summarize(dir, store),
      manifest,
      featureSets: store.featureSets().map((set) => ({ ...set, bytes: featureSetBytes(set) })),
      split,
    };
  });
}

/** The store's class names (its label map), for confusion matrices; undefined if unreadable. */
export function readClassNames(dir: string): string[] | undefined {
  try {
    return withStore(dir, (store) => store.manifest()?.dataset.classNames);
  } catch {
    return undefined;
  }
}
