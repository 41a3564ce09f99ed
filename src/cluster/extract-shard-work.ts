import { join } from 'node:path';
import { loadBackbone } from '../backbone/load-backbone.js';
import { selectLayers } from '../backbone/select-layers.js';
import { openDataset } from '../data/open-dataset.js';
import { shardView } from '../data/shard-view.js';
import { extract } from '../extract/extract.js';
import { resolveExtractConfig } from '../extract/extract-config.js';
import { FeatureStore } from '../store/feature-store.js';
import { shardStoreDir } from './cluster-store.js';
import { shardDigest } from './shard-digest.js';
import type { ExtractShardJob, ExtractShardOutcome } from './extract-shard-job.js';

/**
 * Extracts this host's shard: the pipeline `layerlab extract` runs, over the data filtered to the
 * shard's records (`shardView`), into `HOME/cluster/<store>/shard-K`. The extractor is called
 * through its public API, as the CLI calls it; a shard already extracted is found cached.
 */
export async function extractShardHere(
  job: ExtractShardJob,
  host: { name: string; home: string },
): Promise<ExtractShardOutcome> {
  const config = resolveExtractConfig(job.flags);
  const backbone = await loadBackbone(job.model, { home: host.home });
  const whole = await openDataset(job.data, { ...config.data, cacheDir: join(host.home, 'cache') });
  const dataset = shardView(whole, job.shards, job.shard);
  const storeDir = shardStoreDir(host.home, job.store, job.shard);
  try {
    const points = selectLayers(backbone.points, config.layers, backbone.excludedTensors);
    const result = await extract({
      backbone,
      dataset,
      points,
      pooling: config.pooling,
      preprocess: backbone.resolvePreprocess(config.preprocess),
      storeDir,
      sink: () => {},
      dtype: config.dtype,
      strategy: config.strategy,
      strict: config.strict,
      ...(config.memoryBudgetBytes ? { memoryBudgetBytes: config.memoryBudgetBytes } : {}),
      ...(config.batchSize ? { batchSize: config.batchSize } : {}),
      ...(config.threads ? { threads: config.threads } : {}),
    });
    const store = FeatureStore.open(storeDir, { write: false });
    try {
      const table = store.records();
      const records = { train: 0, val: 0, test: 0 };
      for (const s of table.split) {
        if (s === 0) records.train++;
        else if (s === 1) records.val++;
        else if (s === 2) records.test++;
      }
      const keys = result.featureSets.map((s) => s.key);
      return {
        shard: job.shard,
        host: host.name,
        cached: result.cached,
        records,
        digest: shardDigest(store, keys),
        featureSets: result.featureSets.map((s) => ({
          layer: s.layer,
          key: s.key,
          dims: s.dims,
          records: s.records,
          computedRecords: s.computedRecords ?? 0,
        })),
        skipped: result.skipped,
        plan: result.plan,
        seconds: result.seconds,
      };
    } finally {
      store.close();
    }
  } finally {
    await dataset.close?.();
  }
}
