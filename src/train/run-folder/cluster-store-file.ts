import { z } from 'zod';
import type { FeatureSetManifest, StoreManifest } from '../../store/manifest.js';
import { readRunFile, writeRunFile } from '../../store/run-file.js';
import type { Standardization } from '../heads/standardization.js';

/**
 * cluster-store.json: what a `train --cluster` run's heads need to be applied later (`predict`,
 * `export-head`) without the cluster: shard 0's store manifest (model ref and digest, preprocessing,
 * class names), its feature sets (capture point, pooling, dims), and the train-split standardization
 * the coordinator computed across the shards. A local run reads these from its store folder; a
 * cluster run's store lives on the hosts, so the coordinator copies them here when training starts.
 */
export const CLUSTER_STORE_FILE = 'cluster-store.json';

export interface ClusterStoreFile {
  /** the cluster store id */
  store: string;
  manifest: StoreManifest;
  featureSets: FeatureSetManifest[];
  classes: number;
  classNames: string[];
  /** per trained feature set: its standardization (float32 values, exact in JSON numbers) */
  standardization: { key: string; mean: number[]; std: number[] }[];
}

// the store's own manifests are written by this version's stores; they are kept as they are
const schema = z.strictObject({
  store: z.string().min(1),
  manifest: z.looseObject({
    model: z.looseObject({ ref: z.string(), digest: z.string() }),
    dataset: z.looseObject({ classNames: z.array(z.string()) }),
    preprocessing: z.record(z.string(), z.unknown()),
  }),
  featureSets: z.array(
    z.looseObject({ key: z.string(), layer: z.string(), point: z.string(), dims: z.number() }),
  ),
  classes: z.number().int().positive(),
  classNames: z.array(z.string()),
  standardization: z.array(
    z.strictObject({ key: z.string(), mean: z.array(z.number()), std: z.array(z.number()) }),
  ),
});

export function writeClusterStoreFile(runDir: string, file: ClusterStoreFile): void {
  writeRunFile(runDir, CLUSTER_STORE_FILE, file);
}

/** The run's copy of its cluster store's manifest; undefined when it has none. */
export function readClusterStoreFile(runDir: string): ClusterStoreFile | undefined {
  return readRunFile(
    runDir,
    CLUSTER_STORE_FILE,
    schema,
    'resume the run with `layerlab train --resume RUN --cluster URL` to write it again',
  ) as ClusterStoreFile | undefined;
}

/** The standardization of feature set `key` as training used it. */
export function clusterStandardization(file: ClusterStoreFile, key: string): Standardization | undefined {
  const found = file.standardization.find((s) => s.key === key);
  return found && { mean: Float32Array.from(found.mean), std: Float32Array.from(found.std) };
}
