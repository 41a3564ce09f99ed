import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { notFound } from '../core/errors.js';
import { FeatureStore } from './feature-store.js';
import { listStoreDirs } from './store-dirs.js';
import { storeSummary, type StoreSummary } from './store-listing.js';

export type { StoreSummary };

/** Reads one store's manifest, sets and sizes from LMDB (read-only; never waits for a writer). */
export function summarizeStore(dir: string): StoreSummary {
  const store = FeatureStore.open(dir, { write: false });
  try {
    return storeSummary(dir, statSync(join(dir, 'features.mdb')).size, {
      manifest: store.manifest(),
      skipped: store.skipped().length,
      featureSets: store.featureSets(),
    });
  } finally {
    store.close();
  }
}

export { listStoreDirs };

/**
 * A store named on the command line: a path to a store folder, or a store id (its folder name under
 * the home's `stores/`) or an unambiguous prefix of one.
 */
export function resolveStoreRef(ref: string, storesRoot: string): string {
  const path = resolve(ref);
  if (FeatureStore.exists(path)) return path;
  const dirs = listStoreDirs(storesRoot);
  const exact = dirs.find((d) => d.split(/[\\/]/).pop() === ref);
  if (exact) return exact;
  const prefixed = dirs.filter((d) => d.split(/[\\/]/).pop()!.startsWith(ref));
  if (prefixed.length === 1) return prefixed[0]!;
  const hint =
    prefixed.length > 1
      ? `${ref} matches ${prefixed.length} stores; give more of the id`
      : 'run `layerlab store ls` to list stores';
  throw notFound(`no feature store ${ref} (${hint})`);
}
