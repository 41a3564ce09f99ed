import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isLayerlabError, notFound, usageError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { HomeLayout } from '../core/paths.js';
import type { RankingMetric, TrainingResult, TrainTriage } from '../core/result.js';
import { FeatureStore } from '../store/feature-store.js';
import { RunStore } from '../store/run-store.js';
import { trainingResult } from '../train/run-folder/layer-results.js';
import { newRunId } from './run-id.js';
import { readRunJob } from '../train/run-folder/run-job-file.js';
import { readRunResults } from '../train/run-folder/run-results.js';
import { readRunTriage, writeRunTriage } from '../train/run-folder/run-triage.js';
import { expandSearch, type SearchMode } from '../train/search/search.js';
import type { HeadSpace } from '../train/search/search-space.js';
import { selectFeatureSets } from '../train/search/select-feature-sets.js';
import { threadWorkers, train, type WorkerSource } from '../train/mop/train.js';
import { SpawnedWorkers } from '../train/worker/worker-pool.js';
import type { FeatureSetManifest } from '../store/manifest.js';
import { triageFeatureSets, triageMessage, type TriageRequest } from '../train/search/triage-sets.js';
import type { TrainJob, TrainOutcome } from '../train/mop/train-job.js';

/** A resumed run's results when it finished; undefined when it did not, or they are damaged. */
function readFinishedResults(runDir: string): TrainOutcome | undefined {
  try {
    return readRunResults(runDir);
  } catch (error) {
    if (isLayerlabError(error) && error.code === 'BAD_DATA') return undefined;
    throw error;
  }
}

export interface TrainRunOptions {
  home: HomeLayout;
  /** the feature store to train on (required unless resuming) */
  store?: string;
  /** `--layers` selectors among the stored feature sets; else the space's `layer`, else all */
  layers: string[];
  space: HeadSpace;
  search: SearchMode;
  samples?: number;
  epochs: number;
  workers: number;
  seed: number;
  metric: RankingMetric;
  halving?: number;
  maxGroupBytes?: number;
  /** grouped learning: also a head per data group of the store (`train --groups`) */
  groups?: boolean;
  minGroupRecords?: number;
  /** score the selected feature sets in closed form first and train only the top `keep` */
  triage?: TriageRequest;
  /** a run id (under the home's runs/) or a run folder to continue; every other setting comes from it */
  resume?: string;
  sink: EventSink;
  signal?: AbortSignal;
  /** train on a cluster store (`--cluster`): `store` is then its id, and the hosts hold its shards */
  cluster?: ClusterTraining;
}

/** What `train --cluster` needs of the cluster (src/cluster provides it; the CLI passes it in). */
export interface ClusterTraining {
  /** the store's feature sets, refs and shard count, as its hosts hold them */
  describe(
    store: string,
  ): Promise<{ featureSets: FeatureSetManifest[]; model: string; data: string; shards: number }>;
  /**
   * the coordinator's shard workers: one per shard, on the hosts; they also keep what predicting
   * needs of the store in `runDir` (cluster-store.json), as the run has no local store to read it from
   */
  workers(store: string, runDir: string): WorkerSource;
}

/** A cluster run's job names its store as `cluster:ID` where a local run names a folder. */
const CLUSTER_STORE = 'cluster:';
export const clusterStoreOf = (storeDir: string): string | undefined =>
  storeDir.startsWith(CLUSTER_STORE) ? storeDir.slice(CLUSTER_STORE.length) : undefined;
export const clusterStoreRef = (id: string): string => `${CLUSTER_STORE}${id}`;

/** The job `train` builds: the selected feature sets, and the models the search space expands to. */
export function buildTrainJob(options: TrainRunOptions & { store: string }): {
  job: TrainJob;
  model: string;
  data: string;
  triage?: TrainTriage;
} {
  const store = FeatureStore.open(options.store, { write: false });
  try {
    const manifest = store.manifest();
    return jobFrom(options, options.store, store.featureSets(), {
      model: manifest?.model.ref ?? '',
      data: manifest?.dataset.ref ?? '',
    });
  } finally {
    store.close();
  }
}

/** The job over a store's feature sets (a local folder's, or a cluster store's as its hosts list them). */
function jobFrom(
  options: TrainRunOptions & { store: string },
  storeDir: string,
  stored: FeatureSetManifest[],
  refs: { model: string; data: string },
): { job: TrainJob; model: string; data: string; triage?: TrainTriage } {
  const fromSpace = options.space.layer === undefined ? [] : [options.space.layer].flat();
  const selected = selectFeatureSets(stored, options.layers.length > 0 ? options.layers : fromSpace);
  const triaged = options.triage ? triageFeatureSets(options.store, selected, options.triage) : undefined;
  const featureSets = triaged?.kept ?? selected;
  const models = expandSearch(options.space, featureSets, {
    mode: options.search,
    seed: options.seed,
    ...(options.samples === undefined ? {} : { samples: options.samples }),
  });
  const job: TrainJob = {
    storeDir,
    featureSets,
    heads: [],
    models: models.map(({ featureSet, head }) => ({ featureSet, head })),
    epochs: options.epochs,
    workers: options.workers,
    seed: options.seed,
    metric: options.metric,
    ...(options.halving === undefined ? {} : { halving: options.halving }),
    ...(options.maxGroupBytes === undefined ? {} : { maxGroupBytes: options.maxGroupBytes }),
    ...(options.groups ? { groups: true } : {}),
    ...(options.minGroupRecords === undefined ? {} : { minGroupRecords: options.minGroupRecords }),
  };
  return { job, ...refs, ...(triaged ? { triage: triaged.summary } : {}) };
}

/** The job of `train --cluster --store ID`: `--workers` defaults to the store's shards. */
async function buildClusterJob(
  options: TrainRunOptions & { store: string },
  cluster: ClusterTraining,
): Promise<{ job: TrainJob; model: string; data: string; triage?: TrainTriage }> {
  if (options.triage)
    throw usageError('--triage reads every row on one machine; leave it out with --cluster');
  const described = await cluster.describe(options.store);
  const workers = options.workers > 0 ? options.workers : described.shards;
  return jobFrom({ ...options, workers }, clusterStoreRef(options.store), described.featureSets, described);
}

const runDirOf = (home: HomeLayout, ref: string) =>
  existsSync(join(ref, 'run-meta.json')) ? ref : join(home.runs, ref);

/**
 * What a `train` run works on, for titles: the store's manifest (model and dataset refs), or the
 * resumed run's record. Empty when they cannot be read yet: `runTrain` reports why, properly.
 */
export function trainRunRefs(
  home: HomeLayout,
  options: Pick<TrainRunOptions, 'store' | 'resume'>,
): { model: string; dataset: string; store?: string } {
  try {
    if (options.resume) {
      const meta = RunStore.open(runDirOf(home, options.resume)).meta();
      return { model: meta.model, dataset: meta.data, ...(meta.store ? { store: meta.store } : {}) };
    }
    if (!options.store || !FeatureStore.exists(options.store)) return { model: '', dataset: '' };
    const store = FeatureStore.open(options.store, { write: false });
    try {
      const manifest = store.manifest();
      return { model: manifest?.model.ref ?? '', dataset: manifest?.dataset.ref ?? '', store: options.store };
    } finally {
      store.close();
    }
  } catch {
    return { model: '', dataset: '' };
  }
}

function openRun(home: HomeLayout, ref: string): RunStore {
  const dir = runDirOf(home, ref);
  if (!existsSync(join(dir, 'run.json')))
    throw notFound(`no training run ${ref}; list runs with \`layerlab results\``);
  return RunStore.open(dir);
}

/**
 * `layerlab train`: trains the search space's models on an existing feature store (it never
 * extracts) with MOP, recorded as a run under the home (events teed to events.ndjson, steered through
 * its control queue), and returns the machine-contract result. With `resume`, continues that run
 * from its last finished unit.
 */
export async function runTrain(options: TrainRunOptions): Promise<TrainingResult> {
  const started = performance.now();
  let run: RunStore;
  let job: TrainJob;
  let triage: TrainTriage | undefined;
  let spawned: SpawnedWorkers | undefined;
  if (options.resume) {
    run = openRun(options.home, options.resume);
    job = readRunJob(run.dir);
    const clusterStore = clusterStoreOf(job.storeDir);
    if (clusterStore !== undefined && !options.cluster)
      throw usageError(
        `run ${options.resume} trained on cluster store ${clusterStore}; resume it with --cluster URL (or LAYERLAB_CLUSTER)`,
      );
    run.update({ status: 'running', pid: process.pid, endedAt: undefined, error: undefined });
    triage = readRunTriage(run.dir);
  } else {
    if (!options.store) throw notFound('train needs --store DIR (a feature store folder) or --resume RUN');
    // the shard threads start up (Node, ONNX Runtime, LMDB) while this thread reads the store,
    // builds the job and, with --triage, scores the layers; no more of them than cores, so a job
    // that fails meanwhile (a bad selector, too few records) is not kept waiting by dozens of threads
    // still loading (64 took 7.8 s to stop on 2 cores); the pool starts any others it needs
    if (!options.cluster && Number.isInteger(options.workers) && options.workers > 0)
      spawned = await SpawnedWorkers.spawn(Math.min(options.workers, availableParallelism()));
    try {
      const built = options.cluster
        ? await buildClusterJob({ ...options, store: options.store }, options.cluster)
        : buildTrainJob({ ...options, store: options.store });
      job = built.job;
      triage = built.triage;
      run = RunStore.create(options.home.runs, newRunId(), {
        command: 'train',
        model: built.model,
        data: built.data,
        store: job.storeDir,
      });
    } catch (error) {
      await spawned?.stop();
      throw error;
    }
  }
  const clusterStore = clusterStoreOf(job.storeDir);
  const workers =
    clusterStore !== undefined
      ? options.cluster!.workers(clusterStore, run.dir)
      : spawned
        ? threadWorkers(spawned)
        : undefined;
  try {
    return await recordTrain(options, run, job, triage, workers, started);
  } finally {
    // threads no run took (it failed before its workers started, or was already finished)
    await spawned?.stop();
  }
}

function recordTrain(
  options: TrainRunOptions,
  run: RunStore,
  job: TrainJob,
  triage: TrainTriage | undefined,
  workers: WorkerSource | undefined,
  started: number,
): Promise<TrainingResult> {
  return run.record(options.sink, async (sink) => {
    if (triage && !options.resume) {
      writeRunTriage(run.dir, triage);
      sink({ type: 'log', level: 'info', message: triageMessage(triage) });
    }
    // a finished run is not trained again: resuming it prints its result (a damaged results file is
    // rebuilt from the checkpoints instead)
    const finished = options.resume ? readFinishedResults(run.dir) : undefined;
    const outcome: TrainOutcome =
      finished ??
      (await train(job, {
        sink,
        runDir: run.dir,
        control: run,
        resume: options.resume !== undefined,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(workers ? { workers } : {}),
      }));
    const seconds = (performance.now() - started) / 1000;
    const result = trainingResult({
      outcome,
      store: job.storeDir,
      cached: true,
      seconds: { extract: 0, train: seconds, total: seconds },
    });
    return triage ? { ...result, triage } : result;
  });
}
