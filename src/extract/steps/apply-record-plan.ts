import type { EventSink } from '../../core/events.js';
import type { FeatureStore } from '../../store/feature-store.js';
import type { ExtractOptions } from '../extract-options.js';
import { sameTable, type RecordPlan } from '../reconcile-records.js';
import { describeStore, storeManifest, type StoreSnapshot } from '../store-records.js';
import type { SetIdentity } from '../wanted-sets.js';

/** Writes what reconciling the records decided; returns the record count of the store. */
export function applyRecordPlan(
  store: FeatureStore,
  snapshot: StoreSnapshot,
  plan: RecordPlan,
  options: ExtractOptions,
  identity: SetIdentity,
  sink: EventSink,
): number {
  const manifest = storeManifest(options, identity, plan.table.ids.length, snapshot.manifest?.createdAt);
  if (plan.kind === 'new') store.initialize(manifest, plan.table);
  else if (plan.kind === 'reset') {
    sink({ type: 'log', level: 'warn', message: `${plan.reason}: the store's features are recomputed` });
    store.clear();
    store.initialize(manifest, plan.table);
  } else if (plan.kind === 'append') {
    sink({ type: 'log', level: 'info', message: `${plan.added} new records: extracting only those` });
    const records = plan.table.ids.length;
    const grown = store.featureSets().map((set) => ({
      ...set,
      records,
      batches: Math.ceil(records / set.batchSize),
      complete: false,
    }));
    store.updateRecords(
      { ...manifest, updatedAt: new Date().toISOString() },
      plan.table,
      grown,
      plan.retired,
    );
  } else if (
    !sameTable(snapshot.records!.table, plan.table) ||
    describeStore(snapshot.manifest) !== describeStore(manifest)
  ) {
    store.updateRecords({ ...manifest, updatedAt: new Date().toISOString() }, plan.table, [], plan.retired);
  }
  if (plan.kind !== 'reset' && plan.retired?.length)
    sink({
      type: 'log',
      level: 'info',
      message: `${plan.retired.length} stored records deleted or changed in the source: set aside, changed ones extracted again`,
    });
  return plan.table.ids.length;
}
