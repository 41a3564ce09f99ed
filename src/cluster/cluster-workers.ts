import { configError, isLayerlabError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { WorkerSource } from '../train/mop/train.js';
import { BullmqTransport } from './bullmq-transport.js';
import { clusterShardCount, prepareCluster } from './cluster-prepare.js';
import { ClusterSession } from './cluster-session.js';
import { HEARTBEAT_MS } from './host-record.js';
import { readClusterStore } from './cluster-store.js';
import { refusedCopies, requireShardHosts } from './shard-hosts.js';
import { keepStoreManifest } from './keep-store-manifest.js';

const logTo = (sink: EventSink) => (message: string) => sink({ type: 'log', level: 'info', message });

/**
 * How long a coordinator looks again for the hosts of its store before it refuses to start: a host
 * that just started, or whose record a Redis restart emptied (a `train --resume` right after one),
 * registers within a heartbeat.
 */
const REGISTER_GRACE_MS = 3 * HEARTBEAT_MS;

/**
 * How many shards `store` has: its manifest's count (`extract --cluster` writes it), else the
 * highest shard its hosts report holding. Refuses a store no host holds, or a shard no live host of
 * this version holds, once the hosts had `REGISTER_GRACE_MS` to register; with no manifest (a Redis
 * restarted empty), fewer shards than the run `expects` are looked for again over that time too.
 */
export async function clusterStoreShards(session: ClusterSession, expects?: number): Promise<number> {
  const deadline = Date.now() + REGISTER_GRACE_MS;
  for (;;) {
    try {
      const { shards, counted } = await storeShardsNow(session);
      if (!counted || expects === undefined || shards >= expects || Date.now() >= deadline) return shards;
    } catch (error) {
      if (!isLayerlabError(error) || error.code !== 'CONFIG' || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS / 4));
    await session.refresh();
  }
}

/** The store's shards now, and whether they were counted from host records (no manifest). */
async function storeShardsNow(session: ClusterSession): Promise<{ shards: number; counted: boolean }> {
  const manifest = await readClusterStore(session.redis, session.store);
  const shards = manifest?.shards ?? clusterShardCount(session.hosts, session.store);
  if (shards === 0)
    throw configError(
      `no host of the cluster holds cluster store ${session.store}; list them with \`layerlab store ls --cluster\``,
    );
  requireShardHosts(session.hosts, session.store, shards, Date.now(), session.digests);
  return { shards, counted: !manifest };
}

/**
 * The shard workers of `train --cluster`: worker k is shard k of the cluster store, on a live host
 * that holds it. MOP runs one worker per shard, so `--workers` must equal the store's shards (its
 * default). Ridge heads are solved in closed form from every train row on the coordinator, which a
 * cluster does not move, so they are refused here. With `runDir`, what predicting needs of the store is
 * copied into the run folder (cluster-store.json), so `predict` and `export-head` need no cluster.
 */
export function clusterWorkers(url: string, store: string, runDir?: string): WorkerSource {
  return async (job, sink) => {
    const log = logTo(sink);
    const session = await ClusterSession.open(url, store, log);
    try {
      const shards = await clusterStoreShards(session, job.workers);
      // copies refused for their content while another copy serves: said once, the run goes on
      for (const line of refusedCopies(session.hosts, store, shards, Date.now(), session.digests)) log(line);
      if (job.workers !== shards)
        throw configError(
          `cluster store ${store} has ${shards} shards and MOP runs one worker per shard; pass --workers ${shards} (or extract with --shards ${job.workers})`,
        );
      if (job.groups)
        throw configError(
          '--groups trains one model per record group from every train row on one machine; leave it out with --cluster',
        );
      if (job.models.some((m) => m.head.type === 'ridge'))
        throw configError(
          'ridge heads are solved from every train row on one machine; train them with a local store, or leave type: ridge out of --heads',
        );
      const { prepared, shardRows, spec, first, classNames } = await prepareCluster(session, job, shards);
      if (runDir) keepStoreManifest(runDir, store, prepared, first, classNames);
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
