import type { ClusterTraining } from '../pipeline/train-run.js';
import { shardSummaries } from './cluster-prepare.js';
import { ClusterSession } from './cluster-session.js';
import { clusterStoreShards, clusterWorkers } from './cluster-workers.js';

/**
 * `train --cluster URL`: the local process is the coordinator. It reads the store's feature sets
 * from shard 0's host, then plans and checkpoints as a local run does while units run on the hosts.
 */
export function clusterTraining(url: string, log: (message: string) => void = () => {}): ClusterTraining {
  return {
    describe: async (store) => {
      const session = await ClusterSession.open(url, store, log);
      try {
        const shards = await clusterStoreShards(session);
        const [first] = await shardSummaries(session, 1);
        return { featureSets: first!.featureSets, model: first!.model, data: first!.data, shards };
      } finally {
        await session.close();
      }
    },
    workers: (store, runDir) => clusterWorkers(url, store, runDir),
  };
}
