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
