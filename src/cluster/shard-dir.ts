import { shardStoreDir } from './cluster-store.js';

const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The local store of shard `shard` of cluster store `store` under a host's home. Both come from job
 * payloads, so they are checked to be a plain name and an index: a job never names a path.
 */
export function shardDirIn(home: string, store: string, shard: number): string {
  if (!STORE_ID.test(store) || store.includes('..')) throw new Error(`'${store}' is not a cluster store id`);
  if (!Number.isInteger(shard) || shard < 0) throw new Error(`'${shard}' is not a shard index`);
  return shardStoreDir(home, store, shard);
}
