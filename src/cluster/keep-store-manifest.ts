import type { PreparedRun } from '../train/mop/prepare-run.js';
import { writeClusterStoreFile } from '../train/run-folder/cluster-store-file.js';
import type { ShardSummary } from './train-jobs.js';

/**
 * Writes the run folder's cluster-store.json: shard 0's store manifest and feature sets (the shards
 * share model, preprocessing and feature sets), the run's class names and the standardization the
 * coordinator computed over every shard: what `predict` and `export-head` read from a local store.
 */
export function keepStoreManifest(
  runDir: string,
  store: string,
  prepared: PreparedRun,
  first: ShardSummary,
  classNames: string[],
): void {
  // a shard store without a manifest trains all the same; predict then says the file is missing
  if (!first.manifest) return;
  writeClusterStoreFile(runDir, {
    store,
    manifest: first.manifest,
    featureSets: first.featureSets,
    classes: prepared.classes,
    classNames,
    standardization: prepared.featureSets.map(({ key, standardization }) => ({
      key,
      mean: Array.from(standardization.mean),
      std: Array.from(standardization.std),
    })),
  });
}
