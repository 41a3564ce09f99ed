import { z } from 'zod';

const count = z.number().int().nonnegative();

/** `cluster status --json`: every registered host, its heartbeat and queue. */
export const clusterStatusSchema = z.strictObject({
  /** the Redis URL with any password replaced by `***` */
  cluster: z.string().min(1),
  hosts: z.array(
    z.strictObject({
      name: z.string().min(1),
      workers: z.number().int().positive(),
      cores: z.number().int().positive(),
      /** bytes free under the host's home */
      freeDisk: count,
      version: z.string().min(1),
      /** cluster shards its home holds, `STORE#K` */
      shards: z.array(z.string()),
      /** ISO time of its last heartbeat */
      lastSeen: z.iso.datetime(),
      alive: z.boolean(),
      queue: z.strictObject({ waiting: count, running: count, failed: count }),
    }),
  ),
  totals: z.strictObject({ hosts: count, alive: count, workers: count, waiting: count, running: count }),
});

/** `worker --json`: one line when it starts, one per unit, one when it has drained. */
export const workerLineSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('worker.start'),
    host: z.string().min(1),
    workers: z.number().int().positive(),
    queue: z.string().min(1),
    cluster: z.string().min(1),
    version: z.string().min(1),
  }),
  z.strictObject({
    type: z.literal('worker.unit'),
    host: z.string().min(1),
    job: z.string().min(1),
    kind: z.string().min(1),
    ok: z.boolean(),
    seconds: z.number().nonnegative(),
    error: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('worker.stop'), host: z.string().min(1), units: count }),
]);

/** `cluster local --json`: one line when Redis and every host are up, then the hosts' lines. */
export const clusterLocalLineSchema = z.union([
  z.strictObject({
    type: z.literal('cluster.local'),
    cluster: z.string().min(1),
    port: z.number().int().positive(),
    hosts: z.array(z.string().min(1)).min(1),
    dir: z.string().min(1),
  }),
  workerLineSchema,
]);

/** `store ls --cluster --json`: the cluster stores recorded in the cluster's Redis. */
export const clusterStoreListSchema = z.strictObject({
  /** the Redis URL with any password replaced by `***` */
  cluster: z.string().min(1),
  stores: z.array(
    z.strictObject({
      /** `cs-<hex>`: what `train --cluster --store` takes */
      id: z.string().min(1),
      model: z.strictObject({ ref: z.string().min(1), digest: z.string().min(1) }),
      data: z.strictObject({ ref: z.string().min(1) }),
      shards: z.number().int().positive(),
      replicas: z.number().int().positive(),
      featureSets: z.array(
        z.strictObject({
          layer: z.string().min(1),
          key: z.string().min(1),
          dims: z.number().int().positive(),
        }),
      ),
      /** each shard's hosts, and those of them up now (recent heartbeat, still holding the shard) */
      placement: z.array(
        z.strictObject({ shard: count, hosts: z.array(z.string().min(1)), up: z.array(z.string().min(1)) }),
      ),
      records: z.array(z.strictObject({ train: count, val: count, test: count })),
      shardDigests: z.array(z.string().min(1)),
      version: z.string().min(1),
      createdAt: z.iso.datetime(),
      /** every shard has a copy on a host that is up */
      available: z.boolean(),
    }),
  ),
});
