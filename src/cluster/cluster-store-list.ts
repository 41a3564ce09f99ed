import type { Redis } from 'ioredis';
import { redactUrl } from './cluster-url.js';
import { listClusterStores, type ClusterStore } from './cluster-store.js';
import { HOST_TIMEOUT_MS, readHosts } from './host-record.js';

/** A cluster store as `store ls --cluster` shows it: its manifest, each shard's hosts and which are up. */
export interface ClusterStoreListing extends Omit<ClusterStore, 'placement'> {
  placement: { shard: number; hosts: string[]; up: string[] }[];
  /** every shard has a copy on a host that is up (and still lists the shard among those it holds) */
  available: boolean;
}

export interface ClusterStoreList {
  cluster: string;
  stores: ClusterStoreListing[];
}

/**
 * `layerlab store ls --cluster`: the cluster stores recorded in Redis with their shard placement.
 * A host counts as up for a shard when its heartbeat is recent and it still holds the shard.
 */
export async function listClusterStoresWithHosts(
  redis: Redis,
  url: string,
  now = Date.now(),
): Promise<ClusterStoreList> {
  const hosts = new Map((await readHosts(redis)).map((h) => [h.name, h]));
  const stores = (await listClusterStores(redis)).map((store): ClusterStoreListing => {
    const placement = store.placement.map(({ shard, hosts: names }) => ({
      shard,
      hosts: names,
      up: names.filter((name) => {
        const host = hosts.get(name);
        return (
          host !== undefined &&
          now - host.lastSeen < HOST_TIMEOUT_MS &&
          host.shards.includes(`${store.id}#${shard}`)
        );
      }),
    }));
    return { ...store, placement, available: placement.every((p) => p.up.length > 0) };
  });
  return { cluster: redactUrl(url), stores };
}

/** The plain listing: one block per store, one line per shard. */
export function formatClusterStoreList(list: ClusterStoreList): string {
  if (list.stores.length === 0)
    return `no cluster stores at ${list.cluster}; \`layerlab extract MODEL DATA --cluster URL\` creates them`;
  return list.stores
    .map((s) => {
      const records = s.records.reduce((n, r) => n + r.train + r.val + r.test, 0);
      const head = `${s.id}  ${s.model.ref} on ${s.data.ref} · ${records} records · ${s.shards} shard${s.shards === 1 ? '' : 's'} × ${s.replicas} cop${s.replicas === 1 ? 'y' : 'ies'} · ${s.available ? 'available' : 'NOT available (a shard has no host up)'}`;
      const layers = `  layers: ${s.featureSets.map((f) => `${f.layer} (${f.dims})`).join(', ')}`;
      const shards = s.placement.map(
        (p) =>
          `  shard ${p.shard}: ${p.hosts.map((h) => `${h} (${p.up.includes(h) ? 'up' : 'down'})`).join(', ')}  ${s.records[p.shard]!.train}/${s.records[p.shard]!.val}/${s.records[p.shard]!.test} train/val/test`,
      );
      return [head, layers, ...shards].join('\n');
    })
    .join('\n\n');
}
