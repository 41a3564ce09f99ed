import type { FeatureStore } from '../../store/feature-store.js';
import { reconcileRecords } from '../reconcile-records.js';
import { snapshotStore } from '../store-records.js';
import { applyRecordPlan } from './apply-record-plan.js';
import type { ExtractRun } from './extract-run.js';
import { checkIdentity } from './store-identity.js';

/**
 * Under the writer lock, looks at the store again (another writer may have changed it since the
 * read-only look) and brings its record table up to the dataset: new, same, appended or reset.
 */
export function reconcileStore(run: ExtractRun, store: FeatureStore): { records: number; added: number } {
  const { dataset, storeDir, sink } = run.options;
  const current = snapshotStore(storeDir, store);
  checkIdentity(current, storeDir, run.identity);
  const recordPlan = reconcileRecords(current.records, dataset);
  const records = applyRecordPlan(store, current, recordPlan, run.options, run.identity, sink);
  return { records, added: recordPlan.added };
}
