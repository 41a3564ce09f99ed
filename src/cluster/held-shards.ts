import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where a host keeps the cluster shards it extracted: `HOME/cluster/STORE/shard-K`. */
export const clusterDir = (home: string): string => join(home, 'cluster');

/** The shards this home holds, as `STORE#K`, sorted. */
export function heldShards(home: string): string[] {
  const root = clusterDir(home);
  if (!existsSync(root)) return [];
  const held: string[] = [];
  for (const store of readdirSync(root, { withFileTypes: true })) {
    if (!store.isDirectory()) continue;
    for (const entry of readdirSync(join(root, store.name), { withFileTypes: true })) {
      const match = /^shard-(\d+)$/.exec(entry.name);
      if (entry.isDirectory() && match) held.push(`${store.name}#${match[1]}`);
    }
  }
  return held.sort();
}
