import { LayerlabError } from '../../core/errors.js';
import type { StoreEnv } from './store-env.js';

/** A JSON record of the meta database, or undefined; damaged JSON is a damaged store, named as such. */
export function getJson<T>(store: StoreEnv, key: string): T | undefined {
  const text = store.meta.get(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new LayerlabError(
      'BAD_DATA',
      `store ${store.dir} is damaged (its ${key.split('/')[0]} record is not valid JSON); remove it with \`layerlab store gc\` and extract again`,
    );
  }
}
