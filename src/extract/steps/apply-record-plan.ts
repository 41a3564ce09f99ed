import type { EventSink } from '../../core/events.js';
import type { FeatureStore } from '../../store/feature-store.js';
import type { ExtractOptions } from '../extract-options.js';
import { sameTable, type RecordPlan } from '../reconcile-records.js';
import { groupsForTable, groupsSummary, sameGroups } from '../record-groups.js';
import { describeStore, storeManifest, type StoreSnapshot } from '../store-records.js';
import type { SetIdentity } from '../wanted-sets.js';

/**
 * Writes what reconciling the records decided, with the groups of the records (in the same
 * transaction, so the groups table always has a row per record); returns the record count.
 */
export function applyRecordPlan(
  store: FeatureStore,
  snapshot: StoreSnapshot,
  plan: RecordPlan,
  options: ExtractOptions,
  identity: SetIdentity,
  sink: EventSink,
): number {
  const groups = groupsForTable(
    plan.table,
    options.dataset,
    snapshot.records && { table: snapshot.records.table, groups: snapshot.groups },
  );
  const rule = options.dataset.groupRule ?? snapshot.manifest?.dataset.groups?.rule;
  const manifest = storeManifest(
    options,
    identity,
    plan.table.ids.length,
    snapshot.manifest?.createdAt,
    groups && rule ? groupsSummary(groups, rule) : undefined,
  );
  if (plan.kind === 'new') store.initialize(manifest, plan.table, groups);
  else if (plan.kind === 'reset') {
    sink({ type: 'log', level: 'warn', message: `${plan.reason}: the store's features are recomputed` });
    store.clear();
    store.initialize(manifest, plan.table, groups);
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
      groups,
    );
  } else if (
    !sameTable(snapshot.records!.table, plan.table) ||
    describeStore(snapshot.manifest) !== describeStore(manifest) ||
    !sameGroups(snapshot.groups, groups)
  ) {
    store.updateRecords(
      { ...manifest, updatedAt: new Date().toISOString() },
      plan.table,
      [],
      plan.retired,
      groups,
    );
  }
  if (plan.kind !== 'reset' && plan.retired?.length)
    sink({
      type: 'log',
      level: 'info',
      message: `${plan.retired.length} stored records deleted or changed in the source: set aside, changed ones extracted again`,
    });
  return plan.table.ids.length;
}
