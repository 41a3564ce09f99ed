import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ort } from '../backbone/ort-runtime.js';
import type { Pooling } from '../backbone/capture-point.js';
import type { PreprocessSpec } from '../backbone/backbone.js';
import { configError, LayerlabError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { encodeModel, GraphBuilder } from '../core/onnx/index.js';
import { openDataset } from '../data/open-dataset.js';
import type { DataSource } from '../data/data-source.js';
import type { OpenDatasetOptions } from '../data/open-options.js';
import { extract, storeDirFor } from '../extract/extract.js';
import { FeatureStore } from '../store/feature-store.js';
import { backboneOf } from './export-head.js';
import type { HeadBundle } from './head-bundle.js';
import { addHeadInference } from './head-inference-graph.js';

export interface PredictOptions {
  bundle: HeadBundle;
  data: string;
  dataOptions?: OpenDatasetOptions;
  storesRoot: string;
  sink: EventSink;
  signal?: AbortSignal;
}

export interface Predictions {
  ids: string[];
  /** class id per record */
  predicted: Int32Array;
  /** [records, classes] softmax probabilities */
  probabilities: Float32Array;
  classNames: string[];
  store: string;
  /** true when the features came from the store without running the backbone */
  cached: boolean;
}

/** Runs only the head (standardize + layers) over stored features, one ONNX session. */
async function applyHead(bundle: HeadBundle, features: Float32Array, records: number): Promise<Float32Array> {
  const g = new GraphBuilder('layerlab_predict');
  const x = g.input('features', 'float32', ['N', bundle.dims]);
  g.op('Softmax', [addHeadInference(g, x, bundle)], { axis: 1 }, 'probabilities');
  g.output('probabilities', 'float32', ['N', bundle.classes]);
  const session = await ort.InferenceSession.create(
    encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 17 }] }),
    { logSeverityLevel: 3, intraOpNumThreads: 1 },
  );
  try {
    const out = await session.run({ features: new ort.Tensor('float32', features, [records, bundle.dims]) });
    return Float32Array.from(out.probabilities!.data as Float32Array);
  } finally {
    await session.release();
  }
}

/**
 * Applies a trained head to a dataset: its layer is extracted with the exact preprocessing the head
 * was trained with, into the content-addressed store for that data (so a dataset seen before is not
 * run through the backbone again), then the head runs over the stored features.
 */
export async function predict(options: PredictOptions): Promise<Predictions> {
  const { bundle } = options;
  const backbone = await backboneOf(bundle);
  const dataset = await openDataset(options.data, options.dataOptions ?? {});
  try {
    return await predictOn(options, backbone, dataset);
  } finally {
    await dataset.close?.();
  }
}

async function predictOn(
  options: PredictOptions,
  backbone: Awaited<ReturnType<typeof backboneOf>>,
  dataset: DataSource,
): Promise<Predictions> {
  const { bundle } = options;
  const point = backbone.points.find((p) => p.name === bundle.featureSet.point);
  if (!point)
    throw configError(
      `${backbone.ref} has no capture point ${bundle.featureSet.point}; heads on derived views cannot predict yet`,
    );
  const preprocess = bundle.store.preprocessing as unknown as PreprocessSpec;
  const storeDir = storeDirFor(options.storesRoot, backbone, dataset, preprocess);
  const extracted = await extract({
    backbone,
    dataset,
    points: [point],
    pooling: bundle.featureSet.pooling as Pooling,
    preprocess,
    storeDir,
    sink: options.sink,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const set = extracted.featureSets[0]!;
  if (set.dims !== bundle.dims)
    throw new LayerlabError(
      'BAD_DATA',
      `${set.layer} has ${set.dims} values per record here but the head takes ${bundle.dims}`,
    );
  const store = FeatureStore.open(storeDir, { write: false });
  let features: Float32Array;
  let ids: string[];
  try {
    // Canonical order (DESIGN.md, "Predictions"), which appends to a folder make differ from storage
    // order; records that failed to decode are left out.
    const rows = store.canonicalRows({ withSkipped: false });
    const stored = store.records().ids;
    features = store.readRows(set.key, rows);
    ids = Array.from(rows, (row) => stored[row]!);
  } finally {
    store.close();
  }
  const records = features.length / bundle.dims;
  const probabilities = await applyHead(bundle, features, records);
  const predicted = new Int32Array(records);
  for (let r = 0; r < records; r++) {
    let best = 0;
    for (let c = 1; c < bundle.classes; c++)
      if (probabilities[r * bundle.classes + c]! > probabilities[r * bundle.classes + best]!) best = c;
    predicted[r] = best;
  }
  return {
    ids: ids.slice(0, records),
    predicted,
    probabilities,
    classNames: bundle.classNames,
    store: storeDir,
    cached: extracted.cached,
  };
}

/** `id,prediction,p_<class>…` in canonical record order (DESIGN.md, "Predictions"); written atomically. */
export function writePredictionsCsv(path: string, predictions: Predictions): void {
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const { classNames } = predictions;
  const lines = [['id', 'prediction', ...classNames.map((c) => `p_${c}`)].map(quote).join(',')];
  predictions.ids.forEach((id, r) => {
    const probs = Array.from(
      predictions.probabilities.subarray(r * classNames.length, (r + 1) * classNames.length),
      (p) => p.toPrecision(6),
    );
    lines.push(
      [
        quote(id),
        quote(classNames[predictions.predicted[r]!] ?? String(predictions.predicted[r])),
        ...probs,
      ].join(','),
    );
  });
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${lines.join('\n')}\n`);
    renameSync(tmp, path);
  } catch (error) {
    throw new LayerlabError(
      'IO',
      `cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); pass --out with a writable path`,
    );
  }
}
