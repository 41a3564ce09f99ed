import { badData, configError, notFound } from '../../core/errors.js';
import { FeatureStore } from '../../store/feature-store.js';
import {
  computeStandardization,
  standardizationOfRows,
  type Standardization,
} from '../heads/standardization.js';
import { splitRows } from '../worker/sharding.js';
import { balancedClassWeights } from '../heads/group-hyper.js';
import type { ResolvedTrainJob } from './resolve-job.js';
import type { TrainRows } from '../worker/worker-protocol.js';
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

type PrepareJob = Pick<ResolvedTrainJob, 'storeDir' | 'workers' | 'featureSets'> &
  Partial<Pick<ResolvedTrainJob, 'groups' | 'minGroupRecords'>>;

/** A PreparedRun but for the feature sets' standardization (workers work it out: shardStandardization). */
export type PreparedRows = Omit<PreparedRun, 'featureSets'> & {
  featureSets: Omit<PreparedFeatureSet, 'standardization'>[];
};

/**
 * Reads what the main thread needs from the store before workers start: the splits, the number of
 * classes and each feature set's train-split standardization. Only rows every selected feature set
 * covers are used (a grown store may hold sets not yet extended to its newest records). The store is
 * closed again after.
 */
export function prepareRun(job: PrepareJob): PreparedRun {
  const store = FeatureStore.open(job.storeDir, { write: false });
  try {
    const prepared = prepareFrom(store, job);
    const featureSets = prepared.featureSets.map((set) => {
      const trainRows = store.readRows(set.key, prepared.rows.train);
      const identity = prepared.rows.train.map((_, r) => r);
      return { ...set, standardization: computeStandardization(trainRows, set.dims, identity) };
    });
    return { ...prepared, featureSets };
  } finally {
    store.close();
  }
}

/**
 * prepareRun without reading any features: the shard workers read their rows, and the trainer
 * works the standardization out from theirs (shardStandardization), so the store is read once.
 */
export function prepareRows(job: PrepareJob): PreparedRows {
  const store = FeatureStore.open(job.storeDir, { write: false });
  try {
    return prepareFrom(store, job);
  } finally {
    store.close();
  }
}

/**
 * Each feature set's train-split standardization from the train rows the shard workers read
 * (`train[shard]`, in the order of that shard's `rows.train`), taken in the split's record order and
 * summed as prepareRun sums what it reads, so the result is the same to the bit.
 */
export function shardStandardization(
  prepared: PreparedRows,
  shardTrainRows: readonly Int32Array[],
  train: readonly (readonly TrainRows[])[],
): PreparedRun {
  const all = prepared.rows.train;
  const top = all.reduce((m, r) => Math.max(m, r), 0);
  const shardOf = new Int32Array(top + 1).fill(-1);
  const positionOf = new Int32Array(top + 1);
  shardTrainRows.forEach((rows, shard) =>
    rows.forEach((row, position) => {
      shardOf[row] = shard;
      positionOf[row] = position;
    }),
  );
  const part = Int32Array.from(all, (row) => {
    if (shardOf[row]! < 0) throw new Error(`train row ${row} is in no shard`);
    return shardOf[row]!;
  });
  const featureSets = prepared.featureSets.map((set) => {
    const parts = train.map((rows, shard) => {
      const found = rows.find((r) => r.key === set.key);
      if (!found) throw new Error(`shard ${shard} did not read feature set ${set.key}`);
      return found.values;
    });
    const at = Float64Array.from(all, (row) => positionOf[row]! * set.dims);
    return { ...set, standardization: standardizationOfRows({ parts, part, at }, set.dims) };
  });
  return { ...prepared, featureSets };
}

function prepareFrom(store: FeatureStore, job: PrepareJob): PreparedRows {
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
    throw badData(`the store ${job.storeDir} has no validation records; re-extract with a validation split`);
  if (rows.train.length < job.workers) {
    throw configError(
      `the store has ${rows.train.length} train records, fewer than ${job.workers} workers; use fewer workers`,
    );
  }
  const maxLabel = labels.reduce((m, l) => Math.max(m, l), 0);
  const classes = Math.max(store.manifest()?.dataset.classNames.length ?? 0, maxLabel + 1, 2);
  const featureSets = job.featureSets.map(({ key, layer }, i) => ({
    key,
    layer,
    dims: manifests[i]!.dims,
  }));
  const trainLabels = Array.from(rows.train, (r) => labels[r]!);
  const prepared: PreparedRows = {
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
}
