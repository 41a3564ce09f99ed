import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { basename, join } from 'node:path';
import type { Backbone } from '../backbone/backbone.js';
import type { Pooling } from '../backbone/capture-point.js';
import { loadBackbone } from '../backbone/load-backbone.js';
import { selectLayers } from '../backbone/select-layers.js';
import { configError, notFound, usageError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { canonicalJson } from '../core/hash.js';
import type { HomeLayout } from '../core/paths.js';
import type { TrainingResult } from '../core/result.js';
import { openDataset } from '../data/open-dataset.js';
import type { DataSource } from '../data/data-source.js';
import type { OpenDatasetOptions } from '../data/open-options.js';
import { redactRef } from '../data/sources/postgres-ref.js';
import { extract, storeDirFor, type ExtractResult } from '../extract/extract.js';
import { FeatureStore } from '../store/feature-store.js';
import { materializeView } from '../store/materialize-view.js';
import { readRunFile, writeRunFile } from '../store/run-file.js';
import { RunStore } from '../store/run-store.js';
import { trainingResult } from '../train/run-folder/layer-results.js';
import { newRunId } from '../pipeline/run-id.js';
import { clusterStoreOf, clusterStoreRef } from '../pipeline/train-run.js';
import type { WorkerSource } from '../train/mop/train.js';
import { train } from '../train/mop/train.js';
import type { TrainJob } from '../train/mop/train-job.js';
import { writeRunTriage } from '../train/run-folder/run-triage.js';
import { triageFeatureSets, triageMessage } from '../train/search/triage-sets.js';
import { refuseOnCluster, sweepExtractFlags, type SweepCluster } from './sweep-cluster.js';
import type { SweepFile } from './sweep-schema.js';
import { sweepTrials, type Trial } from './sweep-trials.js';

export interface SweepRunOptions {
  sweep: SweepFile;
  home: HomeLayout;
  /** continue this sweep run (id or folder) */
  resume?: string;
  /** allow resuming a sweep that failed (crashed), not only one that was interrupted */
  restartFailed?: boolean;
  sink: EventSink;
  signal?: AbortSignal;
  /** run on a cluster (`--cluster URL`): extract on its hosts, train across them */
  cluster?: SweepCluster;
}

export interface SweepResult extends TrainingResult {
  trials: number;
}

const poolings = (sweep: SweepFile): Pooling[] => [sweep.pooling].flat() as Pooling[];

function dataOptions(sweep: SweepFile): { ref: string; options: OpenDatasetOptions } {
  if (typeof sweep.data === 'string') return { ref: sweep.data, options: { seed: sweep.seed } };
  const { ref, split, seed, ...columns } = sweep.data;
  return {
    ref,
    options: {
      seed: seed ?? sweep.seed,
      ...Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined)),
      ...(split ? { split: { train: split.train, val: split.val } } : {}),
    },
  };
}

/** Extracts what the sweep reads (stored sets are reused), then stores its derived views. */
export async function extractForSweep(
  sweep: SweepFile,
  home: HomeLayout,
  sink: EventSink,
  options: { signal?: AbortSignal; planOnly?: boolean } = {},
): Promise<{
  storeDir: string;
  extracted: ExtractResult[];
  featureSets: { key: string; layer: string }[];
  /** derived views this call stored (they were not complete in the store before) */
  viewsComputed: string[];
}> {
  const backbone = await loadBackbone(sweep.model, { home: home.root });
  const data = dataOptions(sweep);
  const dataset = await openDataset(data.ref, data.options);
  try {
    return await extractSweepData(sweep, sink, options, backbone, dataset, home);
  } finally {
    await dataset.close?.();
  }
}

async function extractSweepData(
  sweep: SweepFile,
  sink: EventSink,
  options: { signal?: AbortSignal; planOnly?: boolean },
  backbone: Backbone,
  dataset: DataSource,
  home: HomeLayout,
): ReturnType<typeof extractForSweep> {
  const points = selectLayers(backbone.points, [sweep.layers].flat(), backbone.excludedTensors);
  const preprocess = backbone.resolvePreprocess(sweep.preprocess ?? {});
  const storeDir = storeDirFor(home.stores, backbone, dataset, preprocess);
  const extracted: ExtractResult[] = [];
  for (const pooling of poolings(sweep)) {
    extracted.push(
      await extract({
        backbone,
        dataset,
        points,
        pooling,
        preprocess,
        storeDir,
        sink,
        threads: availableParallelism(),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.planOnly ? { planOnly: true } : {}),
      }),
    );
  }
  const featureSets = extracted.flatMap((e) => e.featureSets.map(({ key, layer }) => ({ key, layer })));
  const viewsComputed: string[] = [];
  if (options.planOnly) {
    // Derived views are stored at run time, from the sets above; a plan names them only.
    for (const view of sweep.views ?? []) featureSets.push({ key: `planned:${view}`, layer: view });
  } else if (sweep.views && sweep.views.length > 0) {
    const store = FeatureStore.open(storeDir, { write: true });
    try {
      const stored = new Set(
        store
          .featureSets()
          .filter((s) => s.complete)
          .map((s) => s.key),
      );
      for (const view of sweep.views) {
        const set = materializeView(store, view);
        if (!stored.has(set.key)) viewsComputed.push(set.layer);
        featureSets.push({ key: set.key, layer: set.layer });
      }
    } finally {
      store.close();
    }
  }
  return { storeDir, extracted, featureSets, viewsComputed };
}

/** sweep.json: the sweep file a sweep run started with (a resume must give the same file). */
const SWEEP_FILE = 'sweep.json';

/** The sweep file as the run records it: a PostgreSQL password in the data ref is removed. */
function recordedSweep(sweep: SweepFile): SweepFile {
  if (typeof sweep.data === 'string') return { ...sweep, data: redactRef(sweep.data) };
  return { ...sweep, data: { ...sweep.data, ref: redactRef(sweep.data.ref) } };
}

function openSweepRun(home: HomeLayout, ref: string, sweep: SweepFile, restartFailed: boolean): RunStore {
  const dir = existsSync(join(ref, 'run-meta.json')) ? ref : join(home.runs, ref);
  if (!existsSync(join(dir, SWEEP_FILE)))
    throw notFound(`no sweep run ${ref}; list runs with \`layerlab results\``);
  const run = RunStore.open(dir);
  const saved = readRunFile(
    dir,
    SWEEP_FILE,
    z.record(z.string(), z.unknown()),
    'the sweep cannot be resumed: start a new sweep',
  );
  if (canonicalJson(saved) !== canonicalJson(recordedSweep(sweep))) {
    throw configError(
      `the sweep file changed since ${run.id} started; resume it with the file it started with, or start a new sweep`,
    );
  }
  const { status } = run.meta();
  if (status === 'done') return run; // its saved result is printed again
  if (status === 'failed' && !restartFailed) {
    throw configError(
      `sweep ${run.id} failed (${run.meta().error ?? 'see its events'}); pass --restart-failed to re-run its unfinished trials from their last checkpoint`,
    );
  }
  return run;
}

/** The result line a finished sweep run logged last. */
function finishedResult(run: RunStore): SweepResult | undefined {
  return run
    .readEvents()
    .events.filter((e) => e.type === 'result')
    .at(-1) as SweepResult | undefined;
}

/**
 * `layerlab sweep FILE`: extracts only the feature sets that are not stored yet, then trains every
 * trial with MOP in one run under the home (events, trials and the sweep file kept in it). With
 * `resume`, continues that run: extraction from the first missing batch, training from the last
 * finished unit; finished trials are not trained again.
 */
export async function runSweep(options: SweepRunOptions): Promise<SweepResult> {
  const started = performance.now();
  const { sweep, home } = options;
  // before a run is recorded: a refused sweep leaves nothing behind
  if (options.cluster && !options.resume) refuseOnCluster(sweep);
  const run = options.resume
    ? openSweepRun(home, options.resume, sweep, options.restartFailed === true)
    : RunStore.create(home.runs, newRunId(), {
        command: 'sweep',
        model: sweep.model,
        data: redactRef(dataOptions(sweep).ref),
      });
  if (!options.resume) writeRunFile(run.dir, SWEEP_FILE, recordedSweep(sweep));
  else {
    const finished = run.meta().status === 'done' ? finishedResult(run) : undefined;
    if (finished) return finished;
    run.update({ status: 'running', pid: process.pid });
  }
  const cluster = onCluster(run, options);
  return run.record(options.sink, async (sink) => {
    const features = cluster
      ? await clusterFeatures(sweep, cluster, sink, options.signal)
      : await localFeatures(sweep, home, sink, options.signal);
    const { storeDir, triaged } = features;
    run.update({ store: storeDir });
    const featureSets = triaged?.kept ?? features.featureSets;
    if (triaged) {
      writeRunTriage(run.dir, triaged.summary);
      sink({ type: 'log', level: 'info', message: triageMessage(triaged.summary) });
    }
    const extractSeconds = (performance.now() - started) / 1000;
    const trials = sweepTrials(sweep, featureSets, features.storeId);
    writeRunFile(run.dir, 'trials.json', trials);
    const job: TrainJob = {
      storeDir,
      featureSets,
      heads: [],
      models: trials.map((t: Trial) => ({ featureSet: t.featureSet, head: t.head })),
      epochs: sweep.epochs,
      workers: sweep.workers ?? features.workers ?? availableParallelism(),
      seed: sweep.seed,
      metric: sweep.metric.name,
      ...(sweep.halving === undefined
        ? {}
        : { halving: typeof sweep.halving === 'number' ? sweep.halving : sweep.halving.eta }),
      ...(sweep.groups ? { groups: true } : {}),
      ...(typeof sweep.groups === 'object' ? { minGroupRecords: sweep.groups.minRecords } : {}),
    };
    const outcome = await train(job, {
      sink,
      runDir: run.dir,
      control: run,
      resume: options.resume !== undefined && existsSync(join(run.dir, 'run.json')),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(features.workerSource ? { workers: features.workerSource(run.dir) } : {}),
    });
    const total = (performance.now() - started) / 1000;
    const result: SweepResult = {
      ...trainingResult({
        outcome,
        store: storeDir,
        // Contract: true only when every feature set, derived views included, was reused.
        cached: features.cached,
        seconds: { extract: extractSeconds, train: total - extractSeconds, total },
      }),
      trials: trials.length,
      ...(triaged ? { triage: triaged.summary } : {}),
    };
    return result;
  });
}

interface SweepFeatures {
  /** the job's store: a local folder, or `cluster:ID` */
  storeDir: string;
  /** what trial ids are named within: the local store's folder name, or the cluster store id */
  storeId: string;
  featureSets: { key: string; layer: string }[];
  /** Contract: true only when every feature set, derived views included, was reused. */
  cached: boolean;
  triaged?: ReturnType<typeof triageFeatureSets>;
  /** the MOP workers when the sweep file names none (a cluster store's shards) */
  workers?: number;
  /** where the shard workers come from (the cluster's hosts); undefined: threads here */
  workerSource?: (runDir: string) => WorkerSource;
}

/**
 * The cluster a sweep run trains on: `options.cluster` for a new run. A resumed run keeps where it
 * was recorded: a cluster run needs the cluster again, and a local one stays local.
 */
function onCluster(run: RunStore, options: SweepRunOptions): SweepCluster | undefined {
  const recorded = options.resume ? run.meta().store : undefined;
  if (recorded !== undefined && clusterStoreOf(recorded) === undefined) return undefined;
  if (recorded !== undefined && !options.cluster)
    throw usageError(
      `sweep ${run.id} trained on cluster store ${clusterStoreOf(recorded)}; resume it with --cluster URL (or LAYERLAB_CLUSTER)`,
    );
  if (options.cluster && options.resume) refuseOnCluster(options.sweep);
  return options.cluster;
}

async function localFeatures(
  sweep: SweepFile,
  home: HomeLayout,
  sink: EventSink,
  signal: AbortSignal | undefined,
): Promise<SweepFeatures> {
  const { storeDir, extracted, featureSets, viewsComputed } = await extractForSweep(
    sweep,
    home,
    sink,
    signal ? { signal } : {},
  );
  const triaged = sweep.triage ? triageFeatureSets(storeDir, featureSets, sweep.triage) : undefined;
  return {
    storeDir,
    storeId: basename(storeDir),
    featureSets,
    cached: extracted.every((e) => e.cached) && viewsComputed.length === 0,
    ...(triaged ? { triaged } : {}),
  };
}

/** `extract --cluster` of the sweep's layers; the trials then train on the hosts that hold them. */
async function clusterFeatures(
  sweep: SweepFile,
  cluster: SweepCluster,
  sink: EventSink,
  signal: AbortSignal | undefined,
): Promise<SweepFeatures> {
  const extracted = await cluster.extract(
    {
      model: sweep.model,
      data: dataOptions(sweep).ref,
      flags: sweepExtractFlags(sweep),
      ...(sweep.workers === undefined ? {} : { shards: sweep.workers }),
    },
    sink,
    signal,
  );
  return {
    storeDir: clusterStoreRef(extracted.store),
    storeId: extracted.store,
    featureSets: extracted.featureSets,
    cached: extracted.cached,
    workers: extracted.shards,
    workerSource: (runDir) => cluster.training.workers(extracted.store, runDir),
  };
}
