import { loadBackbone } from '../backbone/load-backbone.js';
import { viewName } from '../backbone/capture-point.js';
import { selectLayers } from '../backbone/select-layers.js';
import { resolveExtractConfig, type ExtractFlags } from '../extract/extract-config.js';
import { clusterExtract, type ClusterExtractResult } from './cluster-extract.js';
import { hostRef } from './host-ref.js';
import { connectRedis } from './redis-connection.js';

export interface ExtractOnClusterRequest {
  /** the cluster's Redis URL, already resolved (`resolveClusterUrl`) */
  url: string;
  /** the coordinator's home: where a model ref such as `builtin:` is materialized to read its digest */
  home: string;
  model: string;
  data: string;
  /** extract's flags as commander hands them over; the hosts get them as they are */
  flags: ExtractFlags;
  replicas: number;
  /** @default the total workers of the hosts up */
  shards?: number;
  log: (level: 'info' | 'warn', message: string) => void;
  signal?: AbortSignal;
}

/** Flags only the coordinator reads, never passed to a host. */
const COORDINATOR_ONLY = new Set(['cluster', 'replicas', 'shards', 'store', 'plan', 'progressMs']);

/**
 * The coordinator's side of `extract --cluster` (and of `sweep --cluster`): loads the model for its
 * digest and layer names, which with the preprocessing, layers, data options and shard count make
 * the cluster store's id, then has every host extract its shards (`clusterExtract`). The data it
 * never opens: only the hosts read it. The same request again is cached (each host finds its shard).
 */
export async function extractOnCluster(request: ExtractOnClusterRequest): Promise<ClusterExtractResult> {
  const config = resolveExtractConfig(request.flags);
  const model = hostRef(request.model);
  const data = hostRef(request.data);
  const backbone = await loadBackbone(model, { home: request.home });
  const points = selectLayers(backbone.points, config.layers, backbone.excludedTensors, (message) =>
    request.log('warn', message),
  );
  const hostFlags = Object.fromEntries(
    Object.entries(request.flags).filter(
      (entry): entry is [string, string | boolean] =>
        !COORDINATOR_ONLY.has(entry[0]) && (typeof entry[1] === 'string' || typeof entry[1] === 'boolean'),
    ),
  );
  const redis = await connectRedis(request.url);
  try {
    return await clusterExtract({
      redis,
      url: request.url,
      model,
      modelDigest: backbone.digest,
      data,
      flags: hostFlags,
      identity: {
        preprocess: backbone.resolvePreprocess(config.preprocess),
        layers: {
          views: points.map((p) => viewName(p.name, config.pooling)),
          dtype: config.dtype,
          // --strict changes what fails, not what is stored
          data: { ...config.data, strict: undefined },
        },
      },
      ...(request.shards === undefined ? {} : { shards: request.shards }),
      replicas: request.replicas,
      log: request.log,
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } finally {
    redis.disconnect();
  }
}
