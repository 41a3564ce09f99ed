import { badData, configError, notFound } from '../../core/errors.js';
import { FeatureStore } from '../../store/feature-store.js';
import { computeStandardization, type Standardization } from '../heads/standardization.js';
import { splitRows } from '../worker/sharding.js';
import { balancedClassWeights } from '../heads/group-hyper.js';
import type { ResolvedTrainJob } from './resolve-job.js';
import { planGroups, type GroupPlan } from './group-plan.js';

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
  /** record id per storage row: train shards are cut by id (`shardOfRecord`) */
  ids: readonly string[];
  featureSets: PreparedFeatureSet[];
  /** grouped learning: the groups trained and skipped (jobs with `groups`) */
  groups?: GroupPlan;
}

/**
 * Reads what the main thread needs from the store before workers start: the splits, the number of
 * classes and each feature set's train-split standardization. Only rows every selected feature set
 * covers are used (a grown store may hold sets not yet extended to its newest records). The store is
 * closed again after.
 */
export function prepareRun(
  job: Pick<ResolvedTrainJob, 'storeDir' | 'workers' | 'featureSets'> &
    Partial<Pick<ResolvedTrainJob, 'groups' | 'minGroupRecords'>>,
): PreparedRun {
  const store = FeatureStore.open(job.storeDir, { write: false });
  try {
    const manifests = job.featureSets.map(({ key, layer }) => {
      const manifest = store.featureSet(key);
      if (!manifest?.complete)
        throw notFound(
          `feature set ${key} (${layer}) is not complete in the store ${job.storeDir}; run \`layerlab extract\``,
        );
      return manifest;
    });
    const { labels, split, ids } = store.records();
    const covered = Math.min(split.length, ...manifests.map((m) => m.records));
    const within = (rows: Int32Array) => rows.filter((r) => r < covered);
    const rows = {
      train: within(splitRows(split, 0)),
      val: within(splitRows(split, 1)),
      test: within(splitRows(split, 2)),
    };
    // The data's problems first: with too little data, no number of workers would do.
    if (rows.train.length < 2) {
      const all = rows.train.length + rows.val.length + rows.test.length;
      throw badData(
        `the store ${job.storeDir} has ${rows.train.length} train record${rows.train.length === 1 ? '' : 's'} (${all} in all); training needs at least two, of two or more classes: add records and extract again`,
      );
    }
    const trainClasses = new Set(Array.from(rows.train, (r) => labels[r]!));
    if (trainClasses.size < 2) {
      const [only = 0] = trainClasses;
      const name = store.manifest()?.dataset.classNames[only] ?? String(only);
      throw badData(
        `the store's train split holds only one class (${name}); a classifier needs at least two: add records of other classes and extract again`,
      );
    }
    if (rows.val.length === 0)
      throw badData(
        `the store ${job.storeDir} has no validation records; re-extract with a validation split`,
      );
    if (rows.train.length < job.workers) {
      throw configError(
        `the store has ${rows.train.length} train records, fewer than ${job.workers} workers; use fewer workers`,
      );
    }
    const maxLabel = labels.reduce((m, l) => Math.max(m, l), 0);
    const classes = Math.max(store.manifest()?.dataset.classNames.length ?? 0, maxLabel + 1, 2);
    const featureSets = job.featureSets.map(({ key, layer }, i) => {
      const dims = manifests[i]!.dims;
      const trainRows = store.readRows(key, rows.train);
      return {
        key,
        layer,
        dims,
        standardization: computeStandardization(
          trainRows,
          dims,
          rows.train.map((_, r) => r),
        ),
      };
    });
    const trainLabels = Array.from(rows.train, (r) => labels[r]!);
    const prepared: PreparedRun = {
      classes,
      balancedWeights: balancedClassWeights(trainLabels, classes),
      rows,
      ids,
      featureSets,
    };
    if (!job.groups) return prepared;
    const groups = store.groups();
    if (!groups || groups.names.length === 0)
      throw configError(
        `the store ${job.storeDir} has no data groups; extract with --group-column COL (tables) or --group-by folder (GROUP/CLASS/FILE image folders), or train without --groups`,
      );
    const plan = planGroups(groups, rows, labels, classes, job.minGroupRecords ?? 1);
    if (plan.names.length === 0)
      throw configError(
        `no data group has ${job.minGroupRecords ?? 1} train records and a validation record (${plan.skipped.length} groups); lower --min-group-records`,
      );
    return { ...prepared, groups: plan };
  } finally {
    store.close();
  }
}
