import { statSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { digestOf } from '../core/hash.js';
import { FeatureStore } from '../store/feature-store.js';
import { featuresFile } from '../store/feature-store/store-env.js';
import { readClusterStore } from './cluster-store.js';
import { shardDirIn } from './shard-dir.js';

/**
 * A shard store's content digest: its record ids and each feature set's stored batch hashes, in
 * the order of `keys` (no feature byte is read). Every copy of a shard has the same one;
 * `extract --cluster` records it per shard in the cluster store's manifest.
 */
export function shardDigest(store: FeatureStore, keys: readonly string[]): string {
  return digestOf({ ids: store.records().ids, sets: keys.map((key) => [key, store.contentDigest(key)]) });
}

/** Changes whenever the store's file is rewritten or replaced (another inode, size or mtime). */
function stampOf(dir: string): string | undefined {
  try {
    const stats = statSync(featuresFile(dir));
    return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * What a host reports about the content of the shards it holds (its record's `digests`), so that a
 * coordinator can refuse a shard that was replaced or rebuilt with other data since extraction. A
 * digest is computed once per version of the store's file (and per key list) and kept: a heartbeat
 * costs a stat per shard and one manifest read per cluster store. Shards of a store with no manifest
 * in Redis (none to compare with) or that cannot be opened are left out.
 */
export class HeldShardDigests {
  private readonly cache = new Map<string, { stamp: string; digest: string }>();

  async read(redis: Redis, home: string, held: readonly string[]): Promise<Record<string, string>> {
    const keysOf = new Map<string, string[] | undefined>();
    const out: Record<string, string> = {};
    for (const entry of held) {
      const [store = '', k = ''] = entry.split('#');
      if (!keysOf.has(store)) {
        const manifest = await readClusterStore(redis, store).catch(() => undefined);
        keysOf.set(
          store,
          manifest?.featureSets.map((s) => s.key),
        );
      }
      const keys = keysOf.get(store);
      if (!keys) continue;
      const digest = this.digest(home, store, Number(k), keys);
      if (digest) out[entry] = digest;
    }
    return out;
  }

  private digest(home: string, store: string, shard: number, keys: readonly string[]): string | undefined {
    const dir = shardDirIn(home, store, shard);
    const file = stampOf(dir);
    if (!file) return undefined;
    const stamp = `${file}/${keys.join(',')}`;
    const cached = this.cache.get(dir);
    if (cached?.stamp === stamp) return cached.digest;
    try {
      const opened = FeatureStore.open(dir, { write: false });
      try {
        const digest = shardDigest(opened, keys);
        this.cache.set(dir, { stamp, digest });
        return digest;
      } finally {
        opened.close();
      }
    } catch {
      return undefined; // being written, or not a store: a unit on it reports why
    }
  }
}
