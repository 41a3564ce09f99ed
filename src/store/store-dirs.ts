import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether a folder holds a feature store (its LMDB file). Kept apart from `FeatureStore` so that
 * listing store folders loads no LMDB engine: `store ls` on a home without stores starts fast.
 */
export const isStoreDir = (dir: string): boolean => existsSync(join(dir, 'features.mdb'));

/** The store folders under the home's `stores/`, by name. */
export function listStoreDirs(storesRoot: string): string[] {
  if (!existsSync(storesRoot)) return [];
  return readdirSync(storesRoot)
    .sort()
    .map((name) => join(storesRoot, name))
    .filter(isStoreDir);
}
