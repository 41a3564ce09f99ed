import { LayerlabError } from '../../core/errors.js';
import type { FeatureSetManifest } from '../manifest.js';
import { SET_RANGE, setKey } from './key-layout.js';
import { getJson } from './meta-json.js';
import type { StoreEnv } from './store-env.js';

export function readFeatureSets(store: StoreEnv): FeatureSetManifest[] {
  const sets: FeatureSetManifest[] = [];
  for (const { value } of store.meta.getRange(SET_RANGE)) sets.push(JSON.parse(value) as FeatureSetManifest);
  return sets;
}

export function readFeatureSet(store: StoreEnv, key: string): FeatureSetManifest | undefined {
  return getJson<FeatureSetManifest>(store, setKey(key));
}

/** A feature set that readers may read: present and complete, else an error naming the remedy. */
export function completeFeatureSet(store: StoreEnv, key: string): FeatureSetManifest {
  const set = readFeatureSet(store, key);
  if (!set) throw new LayerlabError('NOT_FOUND', `feature set ${key} is not in ${store.dir}`);
  if (!set.complete)
    throw new LayerlabError(
      'BAD_DATA',
      `feature set ${set.layer} (${key}) is not complete; re-run \`layerlab extract\``,
    );
  return set;
}
