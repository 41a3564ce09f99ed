import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { digestOf } from '../core/hash.js';
import { clusterDir } from './held-shards.js';
import { QUEUE_PREFIX } from './host-record.js';

const count = z.number().int().nonnegative();

/**
 * A cluster store's manifest (docs/cluster.md): which hosts hold which shard of the features of
 * one (model, data, preprocessing, layers) under a shard count. Each host holding shard K keeps an
 * ordinary local feature store at `HOME/cluster/<id>/shard-K` with exactly the records whose
 * `shardOfRecord(id, shards)` is K, every split, in the data's canonical order.
 */
export const clusterStoreSchema = z.strictObject({
  /** `cs-<hex>` */
  id: z.string().regex(/^cs-[0-9a-f]+$/),
  model: z.strictObject({ ref: z.string().min(1), digest: z.string().min(1) }),
  data: z.strictObject({ ref: z.string().min(1) }),
  shards: z.number().int().positive(),
  replicas: z.number().int().positive(),
  /** the feature sets every shard store holds, as a local store lists them (same keys on every shard) */
  featureSets: z.array(
    z.strictObject({ layer: z.string().min(1), key: z.string().min(1), dims: z.number().int().positive() }),
  ),
  /** the hosts holding each shard, shard 0 first */
  placement: z.array(z.strictObject({ shard: count, hosts: z.array(z.string().min(1)).min(1) })),
  /** records of each shard per split, shard 0 first */
  records: z.array(z.strictObject({ train: count, val: count, test: count })),
  /** per shard: a digest of its records and feature bytes; every copy of a shard has the same */
  shardDigests: z.array(z.string().min(1)),
  /** the layerlab version that extracted it */
  version: z.string().min(1),
  createdAt: z.iso.datetime(),
});

export type ClusterStore = z.output<typeof clusterStoreSchema>;

const storeKey = (id: string) => `${QUEUE_PREFIX}:store:${id}`;
const STORE_KEYS = `${QUEUE_PREFIX}:store:*`;

/** What a cluster store's id is derived from: the same inputs give the same id, so re-runs find it. */
export interface ClusterStoreIdentity {
  modelDigest: string;
  data: string;
  /** the resolved preprocessing */
  preprocess: unknown;
  /** the selected layers (feature view names) with their pooling and dtype, and the data options */
  layers: unknown;
  shards: number;
}

export function clusterStoreId(identity: ClusterStoreIdentity): string {
  return `cs-${digestOf(identity, 16)}`;
}

/** Where a host keeps shard `k` of a cluster store: `HOME/cluster/<id>/shard-K`. */
export function shardStoreDir(home: string, id: string, k: number): string {
  return join(clusterDir(home), id, `shard-${k}`);
}

export async function readClusterStore(redis: Redis, id: string): Promise<ClusterStore | undefined> {
  const json = await redis.get(storeKey(id));
  return json === null ? undefined : clusterStoreSchema.parse(JSON.parse(json));
}

export async function writeClusterStore(redis: Redis, manifest: ClusterStore): Promise<void> {
  await redis.set(storeKey(manifest.id), JSON.stringify(clusterStoreSchema.parse(manifest)));
}

/** Every cluster store recorded in the cluster's Redis, by id. */
export async function listClusterStores(redis: Redis): Promise<ClusterStore[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', STORE_KEYS, 'COUNT', 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const stores: ClusterStore[] = [];
  for (const key of keys.sort()) {
    const json = await redis.get(key);
    if (json !== null) stores.push(clusterStoreSchema.parse(JSON.parse(json)));
  }
  return stores;
}
