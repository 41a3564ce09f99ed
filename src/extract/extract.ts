import { availableParallelism } from 'node:os';
import { existsSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { Backbone, PreprocessSpec } from '../backbone/backbone.js';
import type { CapturePoint, Pooling } from '../backbone/capture-point.js';
import { badData, configError, isLayerlabError, LayerlabError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { digestOf } from '../core/hash.js';
import { formatBytes } from '../core/format-bytes.js';
import type { DataSource, ReadOptions, SkippedRecord } from '../data/data-source.js';
import type { StorageDtype } from '../store/batch-codec.js';
import { FeatureStore } from '../store/feature-store.js';
import type { FeatureSetManifest } from '../store/manifest.js';
import { buildPasses } from './build-passes.js';
import { defaultMemoryBudget } from './memory-budget.js';
import { canCut, onnxPartsOf } from './onnx-stage.js';
import { pendingWork, runPass } from './pass-runner.js';
import { planExtraction, type ExtractionPlan, type PlanMode, type Strategy } from './plan.js';
import { planInputFor } from './plan-input.js';
import { probeTiming } from './probe.js';
import {
  appendedSummary,
  setOutcome,
  type AppendedSummary,
  type FeatureSetStatus,
  type SetOutcome,
} from './set-outcomes.js';
import { progressReporter } from './progress.js';
import { canonicalOfRows, reconcileRecords, sameTable, type RecordPlan } from './reconcile-records.js';
import {
  describeStore,
  featureSetManifest,
  storeManifest,
  type StoreSnapshot,
  snapshotStore,
} from './store-records.js';
import { wantedSet, wantedSets, type SetIdentity, type WantedSet } from './wanted-sets.js';

export interface ExtractOptions {
  backbone: Backbone;
  dataset: DataSource;
  points: readonly CapturePoint[];
  pooling: Pooling;
  /** resolved with `backbone.resolvePreprocess`; recorded in the store and part of every key */
  preprocess: PreprocessSpec;
  storeDir: string;
  sink: EventSink;
  signal?: AbortSignal;
  /** the largest batch the planner may choose @default 128 */
  maxBatchSize?: number;
  /** a batch size to use as it is (the planner checks that it fits) */
  batchSize?: number;
  /** @default half of the free memory */
  memoryBudgetBytes?: number;
  /** @default availableParallelism() */
  threads?: number;
  /** @default 'float32' */
  dtype?: StorageDtype;
  /** @default 'auto' */
  strategy?: Strategy;
  /** fail on a record that cannot be decoded instead of skipping it */
  strict?: boolean;
  /** plan and forecast only: nothing is computed or written */
  planOnly?: boolean;
  /** progress events at most this often @default 200 */
  progressIntervalMs?: number;
}

export interface ExtractedFeatureSet {
  layer: string;
  key: string;
  dims: number;
  records: number;
  /** already stored before this extraction */
  reused: boolean;
  /** what this extraction did to the set (absent from results made before it was recorded) */
  status?: FeatureSetStatus;
  /** records whose features this extraction computed for the set; with `planOnly`, would compute */
  computedRecords?: number;
}

export interface ExtractResult {
  store: string;
  /** true when nothing had to be computed */
  cached: boolean;
  featureSets: ExtractedFeatureSet[];
  plan: ExtractionPlan;
  seconds: number;
  /** records left out: unreadable rows, files that failed to decode */
  skipped: SkippedRecord[];
  /** `planOnly`: the plan was made, nothing ran */
  dryRun?: boolean;
  /** records the dataset gained since the store was written, and the sets extended with them */
  appended?: AppendedSummary;
}

/** The store for one (backbone, preprocessing, dataset lineage): all its feature sets live together. */
export function storeDirFor(
  storesRoot: string,
  backbone: Backbone,
  dataset: DataSource,
  preprocess: PreprocessSpec,
): string {
  const lineage = dataset.lineage ?? dataset.digest;
  const digest = digestOf({ model: backbone.digest, data: lineage, pre: preprocess }, 12);
  const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40);
  return join(storesRoot, `${slug(backbone.name)}--${slug(dataset.name)}--${digest}`);
}

const DEFAULT_MAX_BATCH = 128;

/** The plan of an extraction with nothing to compute. */
function nothingToCompute(budget: number): ExtractionPlan {
  return {
    mode: 'one-pass',
    reason: 'every feature set is stored; nothing to compute',
    batchSize: 0,
    batches: 0,
    concurrency: { ortThreads: 0, decodeConcurrency: 0, prefetchBatches: 0 },
    stages: [],
    forecast: { peakBytes: 0, storeBytes: 0, boundaryBytes: 0, seconds: 0, memoryBudgetBytes: budget },
  };
}

/** Whether a store holds a finished feature set; on doubt (it cannot be read) yes, so nothing is removed. */
function anyComplete(store: FeatureStore): boolean {
  try {
    return store.featureSets().some((s) => s.complete);
  } catch {
    return true;
  }
}

/**
 * Materializes the requested feature sets at most once, ever. Sets already stored are reused; a
 * dataset that grew has only its new records extracted and appended; an interrupted or killed
 * extraction resumes from its first missing batch. What is missing is computed by the plan the
 * planner picks (one pooled pass, staged, or lazy) within the memory budget, every batch of every
 * set committed atomically with its hash, completion recorded last.
 */
export async function extract(options: ExtractOptions): Promise<ExtractResult> {
  const started = performance.now();
  const { backbone, dataset, pooling, sink, storeDir } = options;
  const dtype = options.dtype ?? 'float32';
  const budget = options.memoryBudgetBytes ?? defaultMemoryBudget();
  const identity: SetIdentity = {
    modelDigest: backbone.digest,
    preprocessingDigest: digestOf(options.preprocess),
    datasetLineage: dataset.lineage ?? dataset.digest,
    preprocess: options.preprocess,
  };
  const wanted = wantedSets(backbone.points, options.points, pooling, dtype, identity);
  const skipped: SkippedRecord[] = [...(dataset.skipped ?? [])];
  if (dataset.size === 0) throw nothingReadable(dataset.ref, skipped.length, skipped[0]);
  if (dataset.modality !== options.preprocess.kind) {
    const [takes, holds] = options.preprocess.kind === 'image' ? ['images', 'text'] : ['text', 'images'];
    throw badData(
      `${backbone.ref} takes ${takes}, but ${dataset.ref} holds ${holds}; pass a dataset of ${takes}, or a model that takes ${holds}`,
    );
  }
  /** Each wanted set's outcome, from what the store held when the extraction began. */
  const outcomesOf = (
    storedKeys: ReadonlySet<string>,
    coveredRows: (key: string) => number,
    records: number,
    addedRecords: number,
  ): SetOutcome[] =>
    wanted.map((w) =>
      setOutcome({ stored: storedKeys.has(w.key), coveredRows: coveredRows(w.key), records, addedRecords }),
    );
  const result = (
    cached: boolean,
    plan: ExtractionPlan,
    outcomes: readonly SetOutcome[],
    records: number,
    addedRecords: number,
  ): ExtractResult => ({
    store: storeDir,
    cached,
    featureSets: wanted.map(({ layer, key, dims }, i) => ({
      layer,
      key,
      dims,
      records,
      reused: outcomes[i]!.status === 'stored',
      ...outcomes[i]!,
    })),
    plan,
    seconds: (performance.now() - started) / 1000,
    skipped,
    appended: appendedSummary(outcomes, addedRecords),
  });
  const startEvent = (outcomes: readonly SetOutcome[], addedRecords: number) => {
    const withStatus = (status: FeatureSetStatus) =>
      wanted.filter((_, i) => outcomes[i]!.status === status).map((w) => w.layer);
    const appended = withStatus('appended');
    sink({
      type: 'extract.start',
      store: storeDir,
      model: backbone.ref,
      dataset: dataset.ref,
      layers: wanted.map((w) => w.layer),
      records: dataset.size,
      reused: withStatus('stored'),
      appended,
      appendedRecords: appended.length > 0 ? addedRecords : 0,
    });
  };
  const endEvent = (cached: boolean) =>
    sink({ type: 'extract.end', store: storeDir, cached, seconds: (performance.now() - started) / 1000 });

  // Fast path: a read-only look, no writer lock; a cached extraction computes and writes nothing.
  const snapshot = FeatureStore.exists(storeDir) ? snapshotStore(storeDir) : undefined;
  if (snapshot) checkIdentity(snapshot, storeDir, identity);
  const peek = reconcileRecords(snapshot?.records, dataset);
  skipped.push(...(snapshot?.skipped ?? []).map(({ id, reason }) => ({ id, reason })));
  const completeNow = (s: StoreSnapshot | undefined) =>
    new Set(wanted.filter((w) => s?.sets.get(w.key)?.complete === true).map((w) => w.key));
  if (snapshot && peek.kind === 'same' && sameTable(snapshot.records!.table, peek.table)) {
    const complete = completeNow(snapshot);
    if (complete.size === wanted.length) {
      const outcomes = outcomesOf(complete, () => 0, peek.table.ids.length, 0);
      startEvent(outcomes, 0);
      endEvent(true);
      return result(true, nothingToCompute(budget), outcomes, peek.table.ids.length, 0);
    }
  }
  const threads = options.threads ?? availableParallelism();
  const parts = onnxPartsOf(backbone);
  const read: ReadOptions =
    options.preprocess.kind === 'image' ? { imageSize: options.preprocess.resize } : {};
  // Plan from the read-only look first: `--plan` stops here, and a plan that does not fit fails
  // before the store is created or anything in it changes.
  const preMissing = wanted.filter((w) => !(peek.kind === 'same' && completeNow(snapshot).has(w.key)));
  const preRows = peek.kind === 'append' ? peek.added : peek.table.ids.length;
  const preBatch =
    preMissing.map((w) => snapshot?.sets.get(w.key)?.batchSize).find((b) => b !== undefined) ??
    options.batchSize;
  const prePlan = async (timed: boolean) =>
    planExtraction(
      planInputFor({
        backbone,
        parts,
        preprocess: options.preprocess,
        sets: preMissing,
        records: preRows,
        memoryBudgetBytes: budget,
        cores: threads,
        maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH,
        ...(preBatch ? { batchSize: preBatch } : {}),
        dtype,
        strategy: options.strategy ?? 'auto',
        ...(timed
          ? {
              timing: await probeTiming({
                backbone,
                dataset,
                sets: preMissing,
                pooling,
                preprocess: options.preprocess,
                threads,
                read,
              }),
            }
          : {}),
        baseBytes: process.memoryUsage.rss(),
      }),
    );
  const nothingMissing = preMissing.length === 0 || preRows === 0;
  if (options.planOnly) {
    const plan = nothingMissing ? nothingToCompute(budget) : await prePlan(true);
    const stored = new Set(wanted.filter((w) => !preMissing.includes(w)).map((w) => w.key));
    // Without opening the store for writing, a set's stored rows are known only for complete sets.
    const storedRows = (key: string) => {
      const set = snapshot?.sets.get(key);
      return set?.complete ? set.records : 0;
    };
    const outcomes = outcomesOf(stored, storedRows, peek.table.ids.length, peek.added);
    return {
      ...result(nothingMissing, plan, outcomes, peek.table.ids.length, peek.added),
      dryRun: true,
    };
  }
  if (!nothingMissing) await prePlan(false);

  // A store this call creates and then fails to fill is removed rather than left half-written; an
  // interrupted one (Ctrl-C) stays, so the same command resumes it from its first missing batch.
  const createdHere = !existsSync(storeDir);
  let removeOnClose = false;
  const store = FeatureStore.open(storeDir, { write: true });
  try {
    const current = snapshotStore(storeDir, store);
    checkIdentity(current, storeDir, identity);
    const recordPlan = reconcileRecords(current.records, dataset);
    const records = applyRecordPlan(store, current, recordPlan, options, identity, sink);
    const sets = new Map(store.featureSets().map((s) => [s.key, s]));
    const missing = wanted.filter((w) => sets.get(w.key)?.complete !== true);
    const reused = new Set(wanted.filter((w) => !missing.includes(w)).map((w) => w.key));
    if (missing.length === 0) {
      const outcomes = outcomesOf(reused, () => 0, records, 0);
      startEvent(outcomes, 0);
      endEvent(true);
      return result(true, nothingToCompute(budget), outcomes, records, 0);
    }

    // A set begun by an earlier run keeps its batch size and plan, so it resumes byte-identical.
    const begun = missing.map((w) => sets.get(w.key)).filter((s): s is FeatureSetManifest => s !== undefined);
    const batchSize = begun[0]?.batchSize ?? options.batchSize;
    for (const set of begun.filter((s) => s.batchSize !== batchSize)) {
      sink({
        type: 'log',
        level: 'warn',
        message: `${set.layer}: stored with batch size ${set.batchSize}; recomputing it`,
      });
      store.deleteFeatureSet(set.key);
      sets.delete(set.key);
    }
    const outcomes = outcomesOf(
      reused,
      (key) => coveredRows(store, sets.get(key)),
      records,
      recordPlan.added,
    );
    startEvent(outcomes, recordPlan.added);
    const recorded = begun.find((s) => s.plan)?.plan as PlanMode | undefined;
    const strategy =
      options.strategy && options.strategy !== 'auto' ? options.strategy : (recorded ?? 'auto');
    // A boundary is the point's raw float32 set: the requested one, a stored one, or a temporary one.
    const boundaryOf = (point: CapturePoint): WantedSet => {
      const raw = wantedSet(backbone.points, point, 'none', 'float32', identity);
      const existing = sets.get(raw.key);
      const requested = wanted.some((w) => w.key === raw.key);
      return requested || (existing && !existing.temporary) ? raw : { ...raw, temporary: true };
    };
    const anchor =
      strategy !== 'one-pass' && strategy !== 'lazy' && parts
        ? findAnchor(missing[0]!, backbone.points, sets, boundaryOf, parts)
        : undefined;
    const pendingRows = Math.max(...missing.map((w) => records - coveredRows(store, sets.get(w.key))));
    const plan = planExtraction(
      planInputFor({
        backbone,
        parts,
        preprocess: options.preprocess,
        sets: missing,
        records: pendingRows,
        memoryBudgetBytes: budget,
        cores: threads,
        maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH,
        ...(batchSize ? { batchSize } : {}),
        dtype,
        strategy,
        baseBytes: process.memoryUsage.rss(),
        ...(anchor ? { startFrom: { name: anchor.point.name, rawValues: anchor.point.size } } : {}),
      }),
    );
    sink({ type: 'log', level: 'info', message: describePlan(plan) });
    refuseFullDisk(storeDir, plan.forecast.storeBytes);
    const steps = buildPasses(plan, missing, {
      backbone,
      parts,
      pooling,
      preprocess: options.preprocess,
      threads: plan.concurrency.ortThreads || threads,
      boundaryOf,
      ...(plan.mode === 'staged' && anchor ? { anchor } : {}),
    });
    for (const step of steps)
      for (const set of step.complete)
        if (!sets.has(set.key)) {
          const manifest = featureSetManifest(set, records, plan.batchSize, plan.mode);
          store.beginFeatureSet(manifest);
          sets.set(set.key, manifest);
        }
    const context = {
      store,
      dataset,
      canonicalOfRow: canonicalOfRows(store.records()),
      records,
      batchSize: plan.batchSize,
      read,
      prefetch: plan.concurrency.prefetchBatches,
      strict: options.strict === true,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const total = steps.reduce(
      (a, step) =>
        a +
        pendingWork(store, step.pass.outputs, records, plan.batchSize).reduce(
          (b, w) => b + w.rows - w.from,
          0,
        ),
      0,
    );
    const progress = progressReporter(sink, total, options.progressIntervalMs);
    let done = 0;
    progress(0);
    for (const [i, step] of steps.entries()) {
      await runPass(step.pass, {
        ...context,
        onRecords: (n) => progress((done += n)),
        onSkipped: (rows) => skipped.push(...rows.map(({ id, reason }) => ({ id, reason }))),
      });
      // Feature sets of records none of which decoded would be all placeholders: never complete them.
      const undecoded = store.skipped();
      if (undecoded.length >= records) throw nothingReadable(dataset.ref, records, undecoded[0]);
      // Completion is the last write of each pass; the final one also drops every staged boundary.
      const temporaries =
        i === steps.length - 1
          ? store
              .featureSets()
              .filter((s) => s.temporary)
              .map((s) => s.key)
          : [];
      store.completeFeatureSets(
        step.complete.map((s) => s.key),
        dataset.digest,
        [...new Set([...step.remove.map((s) => s.key), ...temporaries])],
      );
    }
    endEvent(false);
    return result(false, plan, outcomes, records, recordPlan.added);
  } catch (error) {
    const interrupted = isLayerlabError(error) && error.code === 'INTERRUPTED';
    removeOnClose = createdHere && !interrupted && !anyComplete(store);
    throw error;
  } finally {
    store.close();
    if (removeOnClose) rmSync(storeDir, { recursive: true, force: true });
  }
}

/**
 * Fails before the first batch when the forecast store growth (with a margin for LMDB's pages) does
 * not fit the free space: a disk that fills mid-extraction fails later, and less clearly.
 */
function refuseFullDisk(storeDir: string, storeBytes: number): void {
  const { bavail, bsize } = statfsSync(storeDir);
  const free = bavail * bsize;
  const needed = storeBytes * 1.25 + 2 ** 20;
  if (needed > free) {
    throw new LayerlabError(
      'IO',
      `the store ${storeDir} needs about ${formatBytes(needed)} but ${formatBytes(free)} are free; free disk space or pass --store elsewhere`,
    );
  }
}

function nothingReadable(ref: string, count: number, first: SkippedRecord | undefined): Error {
  if (count === 0) return badData(`${ref} holds no records; pass a dataset with labelled records`);
  const example = first ? ` (${first.id}: ${first.reason})` : '';
  return badData(
    `none of the ${count} records could be read${example}; check ${ref} holds data the model can take, or fix those files`,
  );
}

function checkIdentity(snapshot: StoreSnapshot, dir: string, identity: SetIdentity): void {
  const manifest = snapshot.manifest;
  if (!manifest) return;
  const lineage = manifest.dataset.lineage ?? manifest.dataset.digest;
  if (
    manifest.model.digest !== identity.modelDigest ||
    manifest.preprocessingDigest !== identity.preprocessingDigest ||
    lineage !== identity.datasetLineage
  )
    throw configError(
      `store ${dir} holds features of another model, preprocessing or dataset; pass a different --store`,
    );
}

/** Writes what reconciling the records decided; returns the record count of the store. */
function applyRecordPlan(
  store: FeatureStore,
  snapshot: StoreSnapshot,
  plan: RecordPlan,
  options: ExtractOptions,
  identity: SetIdentity,
  sink: EventSink,
): number {
  const manifest = storeManifest(options, identity, plan.table.ids.length, snapshot.manifest?.createdAt);
  if (plan.kind === 'new') store.initialize(manifest, plan.table);
  else if (plan.kind === 'reset') {
    sink({ type: 'log', level: 'warn', message: `${plan.reason}: the store's features are recomputed` });
    store.clear();
    store.initialize(manifest, plan.table);
  } else if (plan.kind === 'append') {
    sink({ type: 'log', level: 'info', message: `${plan.added} new records: extracting only those` });
    const records = plan.table.ids.length;
    const grown = store.featureSets().map((set) => ({
      ...set,
      records,
      batches: Math.ceil(records / set.batchSize),
      complete: false,
    }));
    store.updateRecords(
      { ...manifest, updatedAt: new Date().toISOString() },
      plan.table,
      grown,
      plan.retired,
    );
  } else if (
    !sameTable(snapshot.records!.table, plan.table) ||
    describeStore(snapshot.manifest) !== describeStore(manifest)
  ) {
    store.updateRecords({ ...manifest, updatedAt: new Date().toISOString() }, plan.table, [], plan.retired);
  }
  if (plan.kind !== 'reset' && plan.retired?.length)
    sink({
      type: 'log',
      level: 'info',
      message: `${plan.retired.length} stored records deleted or changed in the source: set aside, changed ones extracted again`,
    });
  return plan.table.ids.length;
}

/** Rows of a feature set already stored (0 for a set not begun). */
function coveredRows(store: FeatureStore, set: FeatureSetManifest | undefined): number {
  if (!set) return 0;
  let rows = 0;
  for (let batch = 0; batch < set.batches; batch++) rows += store.batchRows(set.key, batch);
  return rows;
}

/**
 * The latest complete raw boundary before the first set to compute that a stage can start from:
 * after a killed staged extraction, the stages already done are not run again.
 */
function findAnchor(
  first: WantedSet,
  all: readonly CapturePoint[],
  sets: ReadonlyMap<string, FeatureSetManifest>,
  boundaryOf: (point: CapturePoint) => WantedSet,
  parts: NonNullable<ReturnType<typeof onnxPartsOf>>,
): WantedSet | undefined {
  const candidates = [...sets.values()]
    .filter(
      (s) =>
        s.complete &&
        s.pooling === 'none' &&
        s.dtype === 'float32' &&
        (s.pointIndex ?? -1) < first.pointIndex,
    )
    .sort((a, b) => (b.pointIndex ?? 0) - (a.pointIndex ?? 0));
  for (const set of candidates) {
    const point = all.find((p) => p.name === set.point);
    if (point && canCut(parts, point.name, first.point.name)) return boundaryOf(point);
  }
  return undefined;
}

/** One line for the log: plan, batch, threads, forecast. */
export function describePlan(plan: ExtractionPlan): string {
  const stages =
    plan.mode === 'one-pass'
      ? ''
      : ` (${plan.stages.length} ${plan.mode === 'staged' ? 'stages' : 'passes'})`;
  const seconds = plan.forecast.seconds === undefined ? '' : `, ~${plan.forecast.seconds.toFixed(1)} s`;
  return (
    `plan: ${plan.mode}${stages}, batch ${plan.batchSize}, ${plan.concurrency.ortThreads} threads; ` +
    `forecast peak ${formatBytes(plan.forecast.peakBytes)} of ${formatBytes(plan.forecast.memoryBudgetBytes)}, ` +
    `store +${formatBytes(plan.forecast.storeBytes)}${seconds} — ${plan.reason}`
  );
}
