import { usageError } from '../../core/errors.js';
import type { SweepCluster } from '../../sweep/sweep-cluster.js';
import { parseCount, type ClusterFlags } from './extract-cluster.js';

/**
 * `sweep FILE --cluster URL`: the cluster side of a sweep, composed here because src/sweep and
 * src/cluster are peers. Extraction is `extract --cluster`'s (same store id for the same inputs, so
 * a second run is cached), training `train --cluster`'s (BullMQ units on the hosts holding each shard).
 */
export async function sweepCluster(
  flags: ClusterFlags,
  /** the sweep file's `workers`: MOP runs one worker per shard, so it is the shard count */
  fileWorkers: number | undefined,
  home: string,
): Promise<SweepCluster> {
  const replicas = parseCount(flags.replicas, '--replicas', 1)!;
  const shards = parseCount(flags.shards, '--shards');
  if (shards !== undefined && fileWorkers !== undefined && shards !== fileWorkers)
    throw usageError(
      `--shards ${shards} and the sweep file's workers: ${fileWorkers} differ, but MOP runs one worker per shard; drop one of them`,
    );
  const [{ resolveClusterUrl }, { extractOnCluster }, { clusterTraining }] = await Promise.all([
    import('../../cluster/cluster-url.js'),
    import('../../cluster/extract-on-cluster.js'),
    import('../../cluster/cluster-training.js'),
  ]);
  const url = resolveClusterUrl(
    flags.cluster === true || flags.cluster === undefined ? undefined : flags.cluster,
  );
  return {
    extract: async (request, sink, signal) => {
      const count = shards ?? request.shards;
      const result = await extractOnCluster({
        url,
        home,
        model: request.model,
        data: request.data,
        flags: request.flags,
        replicas,
        ...(count === undefined ? {} : { shards: count }),
        log: (level, message) => sink({ type: 'log', level, message }),
        ...(signal ? { signal } : {}),
      });
      return {
        store: result.store,
        cached: result.cached,
        shards: result.placement.length,
        featureSets: result.featureSets.map(({ key, layer }) => ({ key, layer })),
      };
    },
    training: clusterTraining(url),
  };
}
