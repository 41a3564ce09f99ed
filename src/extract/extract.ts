import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, freemem } from 'node:os';
import type { CapturePoint, Pooling } from '../backbone/capture-point.js';
import { viewName } from '../backbone/capture-point.js';
import type { Backbone, PreprocessSpec } from '../backbone/backbone.js';
import { configError, interrupted } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { digestOf } from '../core/hash.js';
import { FeatureStore, featureSetKey } from '../store/feature-store.js';
import { STORE_FORMAT_VERSION, type FeatureSetManifest, type StoreManifest } from '../store/manifest.js';
import type { DataSource } from '../data/data-source.js';
import { planExtraction, type ExtractionPlan } from './plan.js';
import { libraryVersions } from './library-versions.js';

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
  maxBatchSize?: number;
  memoryBudgetBytes?: number;
  threads?: number;
}

export interface ExtractedFeatureSet {
  layer: string;
  key: string;
  dims: number;
  records: number;
}

export interface ExtractResult {
  store: string;
  /** true when nothing had to be computed */
  cached: boolean;
  featureSets: ExtractedFeatureSet[];
  plan: ExtractionPlan;
  seconds: number;
}

/** The store for one (backbone, preprocessing, dataset): all its feature sets live together. */
export function storeDirFor(
  storesRoot: string,
  backbone: Backbone,
  dataset: DataSource,
  preprocess: PreprocessSpec,
): string {
  const digest = digestOf({ model: backbone.digest, data: dataset.digest, pre: preprocess }, 12);
  const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40);
  return join(storesRoot, `${slug(backbone.name)}--${slug(dataset.name)}--${digest}`);
}

/**
 * Materializes the requested feature sets once: one pooled forward pass per batch captures every
 * missing layer, and each batch of all of them is committed in one transaction. Feature sets that are
 * complete are reused; an interrupted extraction resumes from its first missing batch.
 */
export async function extract(options: ExtractOptions): Promise<ExtractResult> {
  const started = performance.now();
  const { backbone, dataset, pooling, sink } = options;
  const preprocessingDigest = digestOf(options.preprocess);
  const wanted = options.points.map((point) => ({
    point,
    layer: viewName(point.name, pooling),
    dims: pooling === 'none' ? point.size : point.pooledSize,
    key: featureSetKey({
      modelDigest: backbone.digest,
      point: point.name,
      pooling,
      preprocessingDigest,
      datasetDigest: dataset.digest,
    }),
  }));
  const plan = planExtraction({
    records: dataset.size,
    storedValuesPerRecord: wanted.map((w) => w.dims),
    inputValuesPerRecord: backbone.inputs
      .map((input) => input.shape.slice(1).reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1))
      .reduce((a, b) => a + b, 0),
    modelBytes: backbone.weightBytes,
    memoryBudgetBytes: options.memoryBudgetBytes ?? Math.floor(freemem() * 0.5),
    maxBatchSize: options.maxBatchSize ?? 128,
  });
  const featureSets = wanted.map(({ layer, key, dims }) => ({ layer, key, dims, records: dataset.size }));
  const done = (cached: boolean): ExtractResult => ({
    store: options.storeDir,
    cached,
    featureSets,
    plan,
    seconds: (performance.now() - started) / 1000,
  });

  if (existsSync(join(options.storeDir, 'features.mdb'))) {
    const reader = FeatureStore.open(options.storeDir, { write: false });
    const complete = wanted.every((w) => reader.featureSet(w.key)?.complete === true);
    reader.close();
    if (complete) {
      sink({
        type: 'extract.start',
        store: options.storeDir,
        model: backbone.ref,
        dataset: dataset.ref,
        layers: wanted.map((w) => w.layer),
        records: dataset.size,
        reused: wanted.map((w) => w.layer),
      });
      sink({
        type: 'extract.end',
        store: options.storeDir,
        cached: true,
        seconds: (performance.now() - started) / 1000,
      });
      return done(true);
    }
  }

  const store = FeatureStore.open(options.storeDir, { write: true });
  try {
    const manifest = store.manifest();
    if (!manifest) store.initialize(storeManifest(options, preprocessingDigest), dataset);
    else if (manifest.dataset.digest !== dataset.digest || manifest.model.digest !== backbone.digest) {
      throw configError(
        `store ${options.storeDir} belongs to another model or dataset; pass a different --store`,
      );
    }
    const missing = wanted.filter((w) => store.featureSet(w.key)?.complete !== true);
    const reused = wanted.filter((w) => !missing.includes(w)).map((w) => w.layer);
    sink({
      type: 'extract.start',
      store: options.storeDir,
      model: backbone.ref,
      dataset: dataset.ref,
      layers: wanted.map((w) => w.layer),
      records: dataset.size,
      reused,
    });

    // A feature set begun by an earlier, interrupted run keeps its batch size so it can resume.
    const batchSize =
      missing.map((w) => store.featureSet(w.key)?.batchSize).find((b) => b !== undefined) ?? plan.batchSize;
    const batches = Math.ceil(dataset.size / batchSize);
    for (const w of missing) {
      if (!store.featureSet(w.key))
        store.beginFeatureSet(featureSetManifest(w, pooling, dataset.size, batchSize, batches));
    }
    const storedCounts = new Map(missing.map((w) => [w.key, store.storedBatches(w.key)]));
    const first = Math.min(...storedCounts.values());
    const session = await backbone.openCapture(
      missing.map((w) => w.point),
      pooling,
      { threads: options.threads ?? availableParallelism(), preprocess: options.preprocess },
    );
    try {
      const progress = progressReporter(sink, dataset.size, first * batchSize);
      let next =
        first < batches
          ? dataset.readBatch(first * batchSize, Math.min(batchSize, dataset.size - first * batchSize))
          : undefined;
      for (let batch = first; batch < batches; batch++) {
        if (options.signal?.aborted) throw interrupted();
        const start = batch * batchSize;
        const rows = Math.min(batchSize, dataset.size - start);
        const input = await next!;
        // Decode the next batch while ONNX Runtime runs this one.
        next =
          batch + 1 < batches
            ? dataset.readBatch(start + rows, Math.min(batchSize, dataset.size - start - rows))
            : undefined;
        const outputs = await session.run(input);
        const entries = missing
          .map((w, i) => ({ key: w.key, values: outputs[i]!, rows, dims: w.dims }))
          .filter((e) => storedCounts.get(e.key)! <= batch);
        store.writeBatch(batch, entries);
        progress(start + rows);
      }
      await next?.catch(() => undefined);
    } finally {
      await session.release();
    }
    for (const w of missing) store.completeFeatureSet(w.key);
    sink({
      type: 'extract.end',
      store: options.storeDir,
      cached: missing.length === 0,
      seconds: (performance.now() - started) / 1000,
    });
    return done(missing.length === 0);
  } finally {
    store.close();
  }
}

function storeManifest(options: ExtractOptions, preprocessingDigest: string): StoreManifest {
  const { backbone, dataset } = options;
  return {
    formatVersion: STORE_FORMAT_VERSION,
    id: options.storeDir.split(/[\\/]/).pop()!,
    createdAt: new Date().toISOString(),
    model: { ref: backbone.ref, digest: backbone.digest },
    dataset: {
      ref: dataset.ref,
      digest: dataset.digest,
      records: dataset.size,
      classNames: dataset.classNames,
    },
    preprocessing: { ...options.preprocess },
    preprocessingDigest,
    libraryVersions: libraryVersions(),
  };
}

function featureSetManifest(
  w: { key: string; layer: string; dims: number; point: CapturePoint },
  pooling: Pooling,
  records: number,
  batchSize: number,
  batches: number,
): FeatureSetManifest {
  return {
    key: w.key,
    layer: w.layer,
    point: w.point.name,
    pooling,
    dims: w.dims,
    dtype: 'float32',
    records,
    batchSize,
    batches,
    complete: false,
    createdAt: new Date().toISOString(),
  };
}

/** Emits progress at most every 200 ms, and always for the last record. */
function progressReporter(sink: EventSink, total: number, startRecords: number): (records: number) => void {
  const started = performance.now();
  let last = 0;
  return (records) => {
    const now = performance.now();
    if (records < total && now - last < 200) return;
    last = now;
    const rate = (records - startRecords) / Math.max((now - started) / 1000, 1e-6);
    sink({
      type: 'extract.progress',
      records,
      total,
      recordsPerSecond: rate,
      etaSeconds: rate > 0 ? (total - records) / rate : 0,
      rssMb: process.memoryUsage.rss() / 2 ** 20,
    });
  };
}
