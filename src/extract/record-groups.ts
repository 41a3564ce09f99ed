import type { DataSource, GroupRule } from '../data/data-source.js';
import { idLookup } from '../data/record-ids.js';
import { groupsOf, groupValues, type RecordTable, type StoreGroups } from '../store/feature-store.js';
import type { StoreGroupsSummary } from '../store/manifest.js';

/**
 * The groups of a record table's rows. A dataset read with groups (`--group-column`, `--group-by
 * folder`) gives every record it holds its group; rows it does not hold (retired ones) and datasets
 * read without groups keep what the store had, so a store grouped once (`layerlab store group`) stays
 * grouped when it is extended. Undefined when neither has groups.
 */
export function groupsForTable(
  table: RecordTable,
  dataset: DataSource,
  stored: { table: RecordTable; groups?: StoreGroups | undefined } | undefined,
): StoreGroups | undefined {
  const previous = stored?.groups ? groupValues(stored.groups) : undefined;
  if (!dataset.groups && !previous) return undefined;
  const fresh = dataset.groups;
  const canonical = fresh ? idLookup(dataset.ids) : undefined;
  const storedById =
    previous && stored ? new Map(stored.table.ids.map((id, row) => [id, previous[row]])) : undefined;
  const values = table.ids.map((id, row) => {
    const index = canonical?.(id);
    if (index !== undefined) return fresh![index];
    if (storedById?.has(id)) return storedById.get(id);
    // a retired row keeps its place (and its group) but not its id
    return previous && row < previous.length ? previous[row] : undefined;
  });
  return groupsOf(values);
}

export function sameGroups(a: StoreGroups | undefined, b: StoreGroups | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.names.length === b.names.length &&
    a.names.every((name, i) => name === b.names[i]) &&
    a.index.length === b.index.length &&
    a.index.every((group, i) => group === b.index[i])
  );
}

/** What the manifest says of the groups: where they came from, how many, how many records have one. */
export function groupsSummary(groups: StoreGroups, rule: GroupRule): StoreGroupsSummary {
  return { rule, groups: groups.names.length, records: groups.index.filter((g) => g >= 0).length };
}
