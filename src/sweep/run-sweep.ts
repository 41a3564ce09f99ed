import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import type { Backbone } from '../backbone/backbone.js';
import type { Pooling } from '../backbone/capture-point.js';
import { loadBackbone } from '../backbone/load-backbone.js';
import { selectLayers } from '../backbone/select-layers.js';
import { configError, notFound } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { writeJsonAtomic } from '../core/atomic-write.js';
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
import { RunStore } from '../store/run-store.js';
import { trainingResult } from '../train/run-folder/layer-results.js';
import { newRunId } from '../pipeline/run-id.js';
import { train } from '../train/mop/train.js';
import type { TrainJob } from '../train/mop/train-job.js';
import { triageFeatureSets, triageMessage } from '../train/search/triage-sets.js';
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

/** The sweep file as the run records it: a PostgreSQL password in the data ref is removed. */
function recordedSweep(sweep: SweepFile): SweepFile {
  if (typeof sweep.data === 'string') return { ...sweep, data: redactRef(sweep.data) };
  return { ...sweep, data: { ...sweep.data, ref: redactRef(sweep.data.ref) } };
}

function openSweepRun(home: HomeLayout, ref: string, sweep: SweepFile, restartFailed: boolean): RunStore {
  const dir = existsSync(join(ref, 'run-meta.json')) ? ref : join(home.runs, ref);
  if (!existsSync(join(dir, 'sweep.json')))
    throw notFound(`no sweep run ${ref}; list runs with \`layerlab results\``);
  const run = RunStore.open(dir);
  const saved = readFileSync(join(dir, 'sweep.json'), 'utf8');
  if (canonicalJson(JSON.parse(saved)) !== canonicalJson(recordedSweep(sweep))) {
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
  const run = options.resume
    ? openSweepRun(home, options.resume, sweep, options.restartFailed === true)
    : RunStore.create(home.runs, newRunId(), {
        command: 'sweep',
        model: sweep.model,
        data: redactRef(dataOptions(sweep).ref),
      });
  if (!options.resume)
    writeFileSync(join(run.dir, 'sweep.json'), `${JSON.stringify(recordedSweep(sweep), null, 2)}\n`);
  else {
    const finished = run.meta().status === 'done' ? finishedResult(run) : undefined;
    if (finished) return finished;
    run.update({ status: 'running', pid: process.pid });
  }
  return run.record(options.sink, async (sink) => {
    const {
      storeDir,
      extracted,
      featureSets: extractedSets,
      viewsComputed,
    } = await extractForSweep(sweep, home, sink, options.signal ? { signal: options.signal } : {});
    run.update({ store: storeDir });
    const triaged = sweep.triage ? triageFeatureSets(storeDir, extractedSets, sweep.triage) : undefined;
    const featureSets = triaged?.kept ?? extractedSets;
    if (triaged) {
      writeJsonAtomic(join(run.dir, 'triage.json'), triaged.summary);
      sink({ type: 'log', level: 'info', message: triageMessage(triaged.summary) });
    }
    const extractSeconds = (performance.now() - started) / 1000;
    const trials = sweepTrials(sweep, featureSets, basename(storeDir));
    writeFileSync(join(run.dir, 'trials.json'), `${JSON.stringify(trials, null, 2)}\n`);
    const job: TrainJob = {
      storeDir,
      featureSets,
      heads: [],
      models: trials.map((t: Trial) => ({ featureSet: t.featureSet, head: t.head })),
      epochs: sweep.epochs,
      workers: sweep.workers ?? availableParallelism(),
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
    });
    const total = (performance.now() - started) / 1000;
    const result: SweepResult = {
      ...trainingResult({
        outcome,
        store: storeDir,
        // Contract: true only when every feature set, derived views included, was reused.
        cached: extracted.every((e) => e.cached) && viewsComputed.length === 0,
        seconds: { extract: extractSeconds, train: total - extractSeconds, total },
      }),
      trials: trials.length,
      ...(triaged ? { triage: triaged.summary } : {}),
    };
    return result;
  });
}
