import { renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LayerlabError } from '../core/errors.js';
import { FeatureStore, isRetiredId } from './feature-store.js';
import { findFeatureSet } from './feature-view.js';
import { liveReaders } from './reader-lease.js';
import { liveWriter, WriterLock } from './writer-lock.js';

/** Refuses to change a store someone is reading or writing (exit 73, naming them). */
export function refuseInUse(dir: string): void {
  const writer = liveWriter(dir);
  const readers = liveReaders(dir);
  const users = [...(writer ? [`written by ${writer}`] : []), ...readers.map((r) => `read by ${r}`)];
  if (users.length > 0)
    throw new LayerlabError(
      'STORE_LOCKED',
      `store ${dir} is in use (${users.join('; ')}); wait for it to finish or stop it`,
    );
}

/** Deletes a whole store folder, after checking nobody uses it and taking its writer lock. */
export function removeStore(dir: string): void {
  refuseInUse(dir);
  // the lock, not an LMDB open: a damaged store (which LMDB cannot open) must be removable too
  const lock = WriterLock.acquire(dir);
  // Rename first: a half-deleted folder never looks like a store.
  const doomed = `${dir}.deleting-${process.pid}`;
  try {
    renameSync(dir, doomed);
  } catch (error) {
    lock.release();
    throw error;
  }
  rmSync(doomed, { recursive: true, force: true });
}

export interface GcReport {
  /** layer names (or keys) removed */
  removed: string[];
  /** bytes the file shrank by compaction, when asked */
  reclaimedBytes?: number;
  /** rows of records deleted or changed in the source dropped from every feature set */
  retiredRows?: number;
}

/**
 * Removes feature sets from a store: the named ones, or (with none named) every incomplete set
 * whose extraction is not running, every staged boundary left behind, and the rows of records
 * deleted or changed in the source (extraction only sets them aside). Optionally compacts the
 * LMDB file so the space goes back to the disk.
 */
export async function collectGarbage(
  dir: string,
  options: { layers?: readonly string[]; compact?: boolean; dryRun?: boolean } = {},
): Promise<GcReport> {
  refuseInUse(dir);
  const store = FeatureStore.open(dir, { write: true });
  let removed: string[];
  let retiredRows = 0;
  try {
    const doomed = options.layers?.length
      ? options.layers.map((layer) => findSetOrIncomplete(store, layer))
      : store
          .featureSets()
          .filter((s) => !s.complete || s.temporary)
          .map((s) => ({ key: s.key, layer: s.layer }));
    removed = doomed.map((d) => d.layer);
    if (!options.dryRun) for (const { key } of doomed) store.deleteFeatureSet(key);
    if (!options.layers?.length && store.manifest())
      retiredRows = options.dryRun
        ? store.records().ids.filter(isRetiredId).length
        : store.reclaimRetiredRows();
  } finally {
    store.close();
  }
  const retired = retiredRows > 0 ? { retiredRows } : {};
  if (!options.compact || options.dryRun) return { removed, ...retired };
  return { removed, ...retired, reclaimedBytes: await compact(dir) };
}

function findSetOrIncomplete(store: FeatureStore, layer: string): { key: string; layer: string } {
  const any = store.featureSets().find((s) => (s.layer === layer || s.key === layer) && !s.complete);
  if (any) return { key: any.key, layer: any.layer };
  const set = findFeatureSet(store, layer);
  return { key: set.key, layer: set.layer };
}

async function compact(dir: string): Promise<number> {
  const file = join(dir, 'features.mdb');
  const before = statSync(file).size;
  await FeatureStore.compact(dir);
  return before - statSync(file).size;
}
