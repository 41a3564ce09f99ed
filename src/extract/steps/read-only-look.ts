import { FeatureStore } from '../../store/feature-store.js';
import type { ExtractResult } from '../extract-options.js';
import { reconcileRecords, sameTable, type RecordPlan } from '../reconcile-records.js';
import { groupsForTable, sameGroups } from '../record-groups.js';
import { snapshotStore, type StoreSnapshot } from '../store-records.js';
import type { ExtractRun } from './extract-run.js';
import { cachedResult } from './report.js';
import { checkIdentity } from './store-identity.js';

/** The store as a read-only look found it (no writer lock) and how its records relate to the dataset. */
export interface ReadOnlyLook {
  snapshot: StoreSnapshot | undefined;
  peek: RecordPlan;
}

export function lookReadOnly(run: ExtractRun): ReadOnlyLook {
  const { dataset, storeDir } = run.options;
  const snapshot = FeatureStore.exists(storeDir) ? snapshotStore(storeDir) : undefined;
  if (snapshot) checkIdentity(snapshot, storeDir, run.identity);
  const peek = reconcileRecords(snapshot?.records, dataset);
  run.skipped.push(...(snapshot?.skipped ?? []).map(({ id, reason }) => ({ id, reason })));
  return { snapshot, peek };
}

/** Keys of the wanted sets a snapshot holds complete. */
export function completeIn(run: ExtractRun, snapshot: StoreSnapshot | undefined): Set<string> {
  return new Set(run.wanted.filter((w) => snapshot?.sets.get(w.key)?.complete === true).map((w) => w.key));
}

/**
 * The fast path: the same records (and groups) and every wanted set complete, so a cached
 * extraction computes and writes nothing (and never waits for the writer lock).
 */
export function cachedFromLook(run: ExtractRun, { snapshot, peek }: ReadOnlyLook): ExtractResult | undefined {
  if (!snapshot || peek.kind !== 'same' || !sameTable(snapshot.records!.table, peek.table)) return undefined;
  const { dataset } = run.options;
  const stored = { table: snapshot.records!.table, groups: snapshot.groups };
  if (dataset.groups && !sameGroups(snapshot.groups, groupsForTable(peek.table, dataset, stored)))
    return undefined;
  const complete = completeIn(run, snapshot);
  if (complete.size !== run.wanted.length) return undefined;
  return cachedResult(run, complete, peek.table.ids.length);
}
