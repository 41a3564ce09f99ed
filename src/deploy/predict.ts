import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ort } from '../backbone/ort-runtime.js';
import type { CapturePoint, Pooling } from '../backbone/capture-point.js';
import type { PreprocessSpec } from '../backbone/backbone.js';
import { writeFileAtomic } from '../core/atomic-write.js';
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
import { addGroupedHeadInference } from './grouped-head-graph.js';
import { groupIds, type GroupBestHeads, type GroupedHeads } from './grouped-heads.js';

export interface PredictOptions {
  bundle: HeadBundle;
  /** a grouped run's per-group copies of the head: each record goes to its group's copy */
  groups?: GroupedHeads;
  /**
   * a grouped run's default routing: each record to its group's best model (its own layer and
   * configuration, weights trained on that group), else to `bundle`, the shared head; wins over `groups`
   */
  groupBest?: GroupBestHeads;
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
  /** with grouped heads: each record's group ('' for none) and whether its group's own head scored it */
  routing?: { group: string[]; own: boolean[] };
}

/** Records per session run of the grouped head, whose Gather holds a weight matrix per record. */
const GROUPED_CHUNK = 512;

/**
 * Runs only the head (standardize + layers) over stored features, one ONNX session; with grouped
 * heads, the same graph `export-head --groups` appends (each record through its group id's copy).
 */
async function applyHead(
  bundle: HeadBundle,
  features: Float32Array,
  records: number,
  grouped?: { heads: GroupedHeads; ids: BigInt64Array },
): Promise<Float32Array> {
  const g = new GraphBuilder('layerlab_predict');
  const x = g.input('features', 'float32', ['N', bundle.dims]);
  const scores = grouped
    ? addGroupedHeadInference(g, x, g.input('group_id', 'int64', ['N']), bundle, grouped.heads)
    : addHeadInference(g, x, bundle);
  g.op('Softmax', [scores], { axis: 1 }, 'probabilities');
  g.output('probabilities', 'float32', ['N', bundle.classes]);
  const session = await ort.InferenceSession.create(
    encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 17 }] }),
    { logSeverityLevel: 3, intraOpNumThreads: 1 },
  );
  try {
    if (!grouped) {
      const out = await session.run({
        features: new ort.Tensor('float32', features, [records, bundle.dims]),
      });
      return Float32Array.from(out.probabilities!.data as Float32Array);
    }
    const probabilities = new Float32Array(records * bundle.classes);
    for (let start = 0; start < records; start += GROUPED_CHUNK) {
      const n = Math.min(GROUPED_CHUNK, records - start);
      const out = await session.run({
        features: new ort.Tensor(
          'float32',
          features.subarray(start * bundle.dims, (start + n) * bundle.dims),
          [n, bundle.dims],
        ),
        group_id: new ort.Tensor('int64', grouped.ids.subarray(start, start + n), [n]),
      });
      probabilities.set(out.probabilities!.data as Float32Array, start * bundle.classes);
    }
    return probabilities;
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
  const grouped = Boolean(options.groups ?? options.groupBest);
  // every head that may score a record: the shared one, then each group's best model
  const bundles = [bundle, ...(options.groupBest?.models.map((m) => m.bundle) ?? [])];
  const points: CapturePoint[] = [];
  for (const b of bundles) {
    const point = backbone.points.find((p) => p.name === b.featureSet.point);
    if (!point)
      throw configError(
        `${backbone.ref} has no capture point ${b.featureSet.point}; heads on derived views cannot predict yet`,
      );
    if (!points.includes(point)) points.push(point);
  }
  const preprocess = bundle.store.preprocessing as unknown as PreprocessSpec;
  const storeDir = storeDirFor(options.storesRoot, backbone, dataset, preprocess);
  // one extraction pass for every layer some head needs (all heads of a run share its store's pooling)
  const extracted = await extract({
    backbone,
    dataset,
    points,
    pooling: bundle.featureSet.pooling as Pooling,
    preprocess,
    storeDir,
    sink: options.sink,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const setOf = (b: HeadBundle) => {
    const set = extracted.featureSets.find((s) => s.layer === b.featureSet.layer);
    if (!set) throw new LayerlabError('BAD_DATA', `extracting ${b.featureSet.layer} stored no feature set`);
    if (set.dims !== b.dims)
      throw new LayerlabError(
        'BAD_DATA',
        `${set.layer} has ${set.dims} values per record here but the head takes ${b.dims}`,
      );
    return set;
  };
  const store = FeatureStore.open(storeDir, { write: false });
  const features = new Map<string, Float32Array>();
  let ids: string[];
  let recordGroups: (string | undefined)[] | undefined;
  try {
    // Canonical order (docs/contract.md, "Predictions"), which appends to a folder make differ from storage
    // order; records that failed to decode are left out.
    const rows = store.canonicalRows({ withSkipped: false });
    const stored = store.records().ids;
    for (const b of bundles) {
      const { key } = setOf(b);
      if (!features.has(key)) features.set(key, store.readRows(key, rows));
    }
    ids = Array.from(rows, (row) => stored[row]!);
    if (grouped) {
      // the group each record has in this data's store (its group column or folder rule), none if ungrouped
      const groups = store.groups();
      recordGroups = Array.from(rows, (row) => {
        const g = groups?.index[row] ?? -1;
        return g < 0 ? undefined : groups!.names[g];
      });
    }
  } finally {
    store.close();
  }
  const sharedFeatures = features.get(setOf(bundle).key)!;
  const records = sharedFeatures.length / bundle.dims;
  let probabilities: Float32Array;
  let own: boolean[] | undefined;
  if (options.groupBest && recordGroups) {
    const routed = await applyGroupBest(
      bundle,
      options.groupBest,
      (b) => features.get(setOf(b).key)!,
      recordGroups.slice(0, records),
    );
    probabilities = routed.probabilities;
    own = routed.own;
  } else {
    const ids64 =
      options.groups && recordGroups ? groupIds(recordGroups.slice(0, records), options.groups) : undefined;
    probabilities = await applyHead(
      bundle,
      sharedFeatures,
      records,
      options.groups && ids64 ? { heads: options.groups, ids: ids64 } : undefined,
    );
    if (ids64) own = Array.from(ids64, (id) => id >= 0n);
  }
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
    ...(recordGroups && own
      ? { routing: { group: recordGroups.slice(0, records).map((name) => name ?? ''), own } }
      : {}),
  };
}

/** The rows `picked` of a [records, dims] matrix, packed. */
function gatherRows(features: Float32Array, dims: number, picked: number[]): Float32Array {
  const out = new Float32Array(picked.length * dims);
  picked.forEach((r, i) => out.set(features.subarray(r * dims, (r + 1) * dims), i * dims));
  return out;
}

/**
 * Scores each record with its group's best model's copy for that group, and the rest (no group, or a
 * group without a copy) with the shared head: one head session per distinct model, over just the
 * records routed to it, scattered back into canonical order.
 */
async function applyGroupBest(
  shared: HeadBundle,
  best: GroupBestHeads,
  featuresOf: (bundle: HeadBundle) => Float32Array,
  recordGroups: (string | undefined)[],
): Promise<{ probabilities: Float32Array; own: boolean[] }> {
  const classes = shared.classes;
  const modelOf = new Map<string, number>();
  best.models.forEach((m, i) => m.heads.groups.forEach((name) => modelOf.set(name, i)));
  const route = recordGroups.map((name) => (name === undefined ? -1 : (modelOf.get(name) ?? -1)));
  const probabilities = new Float32Array(recordGroups.length * classes);
  const heads: { bundle: HeadBundle; grouped?: GroupedHeads; index: number }[] = [
    { bundle: shared, index: -1 },
    ...best.models.map((m, index) => ({ bundle: m.bundle, grouped: m.heads, index })),
  ];
  for (const head of heads) {
    const picked: number[] = [];
    route.forEach((m, r) => {
      if (m === head.index) picked.push(r);
    });
    if (picked.length === 0) continue;
    if (head.bundle.classes !== classes)
      throw new LayerlabError(
        'BAD_DATA',
        `${head.bundle.modelId} has ${head.bundle.classes} classes, not ${classes}`,
      );
    const x = gatherRows(featuresOf(head.bundle), head.bundle.dims, picked);
    const scored = await applyHead(
      head.bundle,
      x,
      picked.length,
      head.grouped
        ? {
            heads: head.grouped,
            ids: groupIds(
              picked.map((r) => recordGroups[r]),
              head.grouped,
            ),
          }
        : undefined,
    );
    picked.forEach((r, i) => probabilities.set(scored.subarray(i * classes, (i + 1) * classes), r * classes));
  }
  return { probabilities, own: route.map((m) => m >= 0) };
}

/**
 * `id,prediction,p_<class>…` in canonical record order (docs/contract.md, "Predictions"), then for a
 * grouped run `group,head` (the record's group, and `group` or `shared`: which head scored it);
 * written atomically.
 */
export function writePredictionsCsv(path: string, predictions: Predictions): void {
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const { classNames } = predictions;
  const { routing } = predictions;
  const lines = [
    ['id', 'prediction', ...classNames.map((c) => `p_${c}`), ...(routing ? ['group', 'head'] : [])]
      .map(quote)
      .join(','),
  ];
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
        ...(routing ? [quote(routing.group[r]!), routing.own[r] ? 'group' : 'shared'] : []),
      ].join(','),
    );
  });
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, `${lines.join('\n')}\n`);
  } catch (error) {
    throw new LayerlabError(
      'IO',
      `cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); pass --out with a writable path`,
    );
  }
}
