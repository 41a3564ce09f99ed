import { LayerlabError } from '../../core/errors.js';
import { GROUPS_KEY } from './key-layout.js';
import { getJson } from './meta-json.js';
import type { StoreEnv } from './store-env.js';

/**
 * Each record's group (a patient, a site, a photographer: records that must not straddle a split), kept
 * beside the record table: the group names once, and per storage row an index into them (-1 for a
 * record without a group). Groups are metadata like labels: features never depend on them, so a store
 * can be grouped, regrouped or ungrouped without touching a feature byte.
 */
export interface StoreGroups {
  names: string[];
  /** index[row] is the group of storage row `row` (record table order), -1 for none */
  index: Int32Array;
}

interface StoredGroups {
  names: string[];
  index: number[];
}

/**
 * Groups from one value per record (storage order); an empty or missing value is no group. Names are
 * sorted, so the same values give the same table whatever order the records were stored in.
 */
export function groupsOf(values: readonly (string | undefined)[]): StoreGroups {
  const names = [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))].sort();
  const position = new Map(names.map((name, i) => [name, i]));
  return { names, index: Int32Array.from(values, (v) => (v ? position.get(v)! : -1)) };
}

/** The group name of every storage row (undefined for none): the inverse of `groupsOf`. */
export function groupValues(groups: StoreGroups): (string | undefined)[] {
  return Array.from(groups.index, (i) => (i < 0 ? undefined : groups.names[i]));
}

export function groupsJson(groups: StoreGroups): string {
  const stored: StoredGroups = { names: groups.names, index: Array.from(groups.index) };
  return JSON.stringify(stored);
}

/** The store's groups table, or undefined when its records carry no groups. */
export function readGroups(store: StoreEnv): StoreGroups | undefined {
  const stored = getJson<StoredGroups>(store, GROUPS_KEY);
  if (!stored) return undefined;
  if (!Array.isArray(stored.names) || !Array.isArray(stored.index))
    throw new LayerlabError(
      'BAD_DATA',
      `store ${store.dir} is damaged (its groups record is malformed); regroup it with \`layerlab store group\``,
    );
  return { names: stored.names, index: Int32Array.from(stored.index) };
}
