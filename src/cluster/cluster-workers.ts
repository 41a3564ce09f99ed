import { configError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { WorkerSource } from '../train/mop/train.js';
import { BullmqTransport } from './bullmq-transport.js';
import { clusterShardCount, prepareCluster } from './cluster-prepare.js';
import { ClusterSession } from './cluster-session.js';
import { requireShardHosts } from './shard-hosts.js';

const logTo = (sink: EventSink) => (message: string) => sink({ type: 'log', level: 'info', message });

/** How many shards `store` has on the cluster; refuses a store no host holds. */
export function clusterStoreShards(session: ClusterSession): number {
  const shards = clusterShardCount(session.hosts, session.store);
  if (shards === 0)
    throw configError(
      `no host of the cluster holds cluster store ${session.store}; list them with \`layerlab store ls --cluster\``,
    );
  requireShardHosts(session.hosts, session.store, shards, Date.now());
  return shards;
}

/**
 * The shard workers of `train --cluster`: worker k is shard k of the cluster store, on a live host
 * that holds it. MOP runs one worker per shard, so `--workers` must equal the store's shards (its
 * default). Ridge heads are solved in closed form from every train row on the coordinator, which a
 * cluster does not move, so they are refused here.
 */
export function clusterWorkers(url: string, store: string): WorkerSource {
  return async (job, sink) => {
    const log = logTo(sink);
    const session = await ClusterSession.open(url, store, log);
    try {
      const shards = clusterStoreShards(session);
      if (job.workers !== shards)
        throw configError(
          `cluster store ${store} has ${shards} shards and MOP runs one worker per shard; pass --workers ${shards} (or extract with --shards ${job.workers})`,
        );
      if (job.models.some((m) => m.head.type === 'ridge'))
        throw configError(
          'ridge heads are solved from every train row on one machine; train them with a local store, or leave type: ridge out of --heads',
        );
      const { prepared, shardRows, spec } = await prepareCluster(session, job, shards);
      const transport = await BullmqTransport.start(session, spec, shards, log);
      log(
        `cluster ${store}: ${transport
          .workers()
          .map((w) => `shard ${w.shard} on ${w.host}`)
          .join(', ')}`,
      );
      return { prepared, shardRows, transport };
    } catch (error) {
      await session.close();
      throw error;
    }
  };
}
