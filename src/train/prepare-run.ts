import { badData, configError, notFound } from '../core/errors.js';
import { FeatureStore } from '../store/feature-store.js';
import { computeStandardization, type Standardization } from './standardization.js';
import { splitRows } from './sharding.js';
import { balancedClassWeights } from './group-hyper.js';
import type { ResolvedTrainJob } from './resolve-job.js';

export interface PreparedFeatureSet {
  key: string;
  layer: string;
  dims: number;
  standardization: Standardization;
}

export interface PreparedRun {
  classes: number;
  /** n / (classes · n_c) over the train split, for heads with `classWeight: balanced` */
  balancedWeights: Float32Array;
  rows: { train: Int32Array; val: Int32Array; test: Int32Array };
  featureSets: PreparedFeatureSet[];
}

/**
 * Reads what the main thread needs from the store before workers start: the splits, the number of
 * classes and each feature set's train-split standardization. The store is closed again after.
 */
export function prepareRun(job: Pick<ResolvedTrainJob, 'storeDir' | 'workers' | 'featureSets'>): PreparedRun {
  const store = FeatureStore.open(job.storeDir, { write: false });
  try {
    const { labels, split } = store.records();
    const rows = { train: splitRows(split, 0), val: splitRows(split, 1), test: splitRows(split, 2) };
    if (rows.train.length < job.workers) {
      throw configError(
        `the store has ${rows.train.length} train records, fewer than ${job.workers} workers; use fewer workers`,
      );
    }
    if (rows.val.length === 0)
      throw badData(
        `the store ${job.storeDir} has no validation records; re-extract with a validation split`,
      );
    const maxLabel = labels.reduce((m, l) => Math.max(m, l), 0);
    const classes = Math.max(store.manifest()?.dataset.classNames.length ?? 0, maxLabel + 1, 2);
    const featureSets = job.featureSets.map(({ key, layer }) => {
      const manifest = store.featureSet(key);
      if (!manifest)
        throw notFound(
          `feature set ${key} (${layer}) is not in the store ${job.storeDir}; run \`layerlab extract\``,
        );
      const trainRows = store.readRows(key, rows.train);
      return {
        key,
        layer,
        dims: manifest.dims,
        standardization: computeStandardization(
          trainRows,
          manifest.dims,
          rows.train.map((_, i) => i),
        ),
      };
    });
    const trainLabels = Array.from(rows.train, (r) => labels[r]!);
    return { classes, balancedWeights: balancedClassWeights(trainLabels, classes), rows, featureSets };
  } finally {
    store.close();
  }
}
