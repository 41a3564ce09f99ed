import { badData, configError } from '../core/errors.js';
import type { DataSource } from '../data/data-source.js';
import { idLookup } from '../data/record-ids.js';
import { FeatureStore, isRetiredId } from '../store/feature-store.js';
import type { StoreGroupsSummary } from '../store/manifest.js';
import { groupsForTable, groupsSummary } from './record-groups.js';

export interface RegroupResult extends StoreGroupsSummary {
  store: string;
  /** stored records without a group (an empty cell, a retired record) */
  ungrouped: number;
}

/**
 * Gives a store's records the groups the dataset reads for them now (`--group-column`, `--group-by
 * folder`), by record id, without extracting again: only the groups table and the manifest change,
 * never a feature byte. The dataset must be the one the store was extracted from, opened the same
 * way (same id column, table or query); records it gained since are grouped when extract appends them.
 */
export function regroupStore(storeDir: string, dataset: DataSource): RegroupResult {
  if (!dataset.groups || !dataset.groupRule)
    throw configError(
      'pass --group-column NAME (tables) or --group-by folder (image folders) to say the groups',
    );
  const store = FeatureStore.open(storeDir, { write: true });
  try {
    const manifest = store.manifest();
    if (!manifest)
      throw badData(`store ${storeDir} has no records yet; run \`layerlab extract\` into it first`);
    const lineage = dataset.lineage ?? dataset.digest;
    if ((manifest.dataset.lineage ?? manifest.dataset.digest) !== lineage)
      throw configError(
        `store ${storeDir} was extracted from other data than ${dataset.ref} (or read another way: --id-column, --table, --query); pass the data and flags it was extracted with`,
      );
    const table = store.records({ markSkipped: false });
    const known = idLookup(dataset.ids);
    const gone = table.ids.filter((id) => !isRetiredId(id) && known(id) === undefined);
    if (gone.length > 0)
      throw badData(
        `${gone.length} stored records are not in ${dataset.ref} (first: ${gone[0]}); it changed since extraction: run \`layerlab extract\` first, then group`,
      );
    // the dataset's groups replace the stored ones; only retired rows keep theirs
    const groups = groupsForTable(table, dataset, { table, groups: store.groups() })!;
    const summary = groupsSummary(groups, dataset.groupRule);
    store.setGroups(
      { ...manifest, updatedAt: new Date().toISOString(), dataset: { ...manifest.dataset, groups: summary } },
      groups,
    );
    return { store: storeDir, ...summary, ungrouped: table.ids.length - summary.records };
  } finally {
    store.close();
  }
}
