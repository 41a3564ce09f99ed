import { badData, notFound } from '../core/errors.js';
import { FeatureStore } from '../store/feature-store.js';
import { hscore } from './hscore.js';
import { logme } from './logme.js';
import { addMoments, emptyMoments, finishMoments, type Moments } from './moments.js';
import { inlineRunner, threadRunner, type PartRunner } from './part-pool.js';
import { partsOf } from './part-work.js';
import type { Projection } from './project.js';
import { rowChunks, scalingOf, transformChunk, type Scaling, type ScalingSums } from './read-moments.js';
import { ridgeScores, solveRidge } from './ridge.js';
import { DEFAULT_TRIAGE_DIMS, type TriageMethod } from './methods.js';
import { transrate } from './transrate.js';
import { releaseKernels } from './wasm-runtime.js';

export interface TriageOptions {
  method: TriageMethod;
  /** the common dimension wider sets are projected to @default 128 */
  dims?: number;
  /** seed of the random projection @default 1 */
  seed?: number;
  /** threads reading and summing the parts; the scores do not depend on it @default 1 */
  threads?: number;
}

export interface LayerScore {
  layer: string;
  key: string;
  score: number;
  /** 1 = best */
  rank: number;
  /** the width the set was scored at */
  dims: number;
  /** from its first read to its score (sets are read while others are scored) */
  seconds: number;
  /**
   * an earlier given set whose stored values are byte for byte these (one tensor reached two ways):
   * scored once, its score is that set's
   */
  sameAs?: string;
}

export interface TriageResult {
  method: TriageMethod;
  layers: LayerScore[];
  seconds: number;
}

interface Labelled {
  labels: Int32Array | Uint8Array | Uint16Array | number[];
  classes: number;
  train: Int32Array;
  /** the train rows in parts (`partsOf`), the same for every set */
  trainParts: Int32Array[];
  val: Int32Array;
}

/** Storage rows of one split, limited to the records every scored set covers. */
const splitRows = (split: ArrayLike<number>, which: number, covered: number) => {
  const rows: number[] = [];
  for (let r = 0; r < Math.min(covered, split.length); r++) if (split[r] === which) rows.push(r);
  return Int32Array.from(rows);
};

/**
 * Scores every given feature set (stored layers and materialized derived views alike) on the train
 * split with one closed-form method and ranks them, best first (ties: the earlier set). Each set is
 * read in two streaming passes (scaling, then moments), three for `ridge`, which also reads the
 * validation split to report the accuracy of its GCV-tuned head.
 */
export function scoreFeatureSets(
  storeDir: string,
  sets: readonly { key: string; layer: string }[],
  options: TriageOptions,
): TriageResult {
  const started = performance.now();
  const store = FeatureStore.open(storeDir, { write: false });
  let runner: PartRunner | undefined;
  try {
    const manifests = sets.map(({ key, layer }) => {
      const manifest = store.featureSet(key);
      if (!manifest?.complete)
        throw notFound(
          `feature set ${layer} is not complete in the store ${storeDir}; run \`layerlab extract\``,
        );
      return manifest;
    });
    const { labels, split } = store.records();
    const covered = Math.min(split.length, ...manifests.map((m) => m.records));
    const maxLabel = Array.from(labels).reduce((m, l) => Math.max(m, l), 0);
    const train = splitRows(split, 0, covered);
    const data: Labelled = {
      labels: labels as Labelled['labels'],
      classes: Math.max(store.manifest()?.dataset.classNames.length ?? 0, maxLabel + 1, 2),
      train,
      trainParts: partsOf(train),
      val: splitRows(split, 1, covered),
    };
    if (data.train.length < 2)
      throw badData(`the store ${storeDir} has fewer than 2 train records; extract more data to triage it`);
    if (options.method === 'ridge' && data.val.length === 0)
      throw badData(`the store ${storeDir} has no validation records for --method ridge; use another method`);
    const widths = manifests.map((m) => m.dims);
    const twin = identicalSets(store, sets, widths);
    const unique = sets.flatMap((_, i) => (twin[i] === undefined ? [i] : []));
    const uniqueWidths = unique.map((i) => widths[i]!);
    runner = partRunner(storeDir, store, data, uniqueWidths, options.threads);
    const scoredOnce = scoreInParts(
      store,
      runner,
      unique.map((i) => sets[i]!),
      uniqueWidths,
      data,
      options,
    );
    const scored = sets.map(({ key, layer }, i): Omit<LayerScore, 'rank'> => {
      const of = twin[i];
      if (of === undefined) return scoredOnce[unique.indexOf(i)]!;
      const { score, dims } = scoredOnce[unique.indexOf(of)]!;
      return { layer, key, score, dims, seconds: 0, sameAs: sets[of]!.layer };
    });
    const order = scored
      .map((s, i) => ({ s, i }))
      .sort((a, b) => orderable(b.s.score) - orderable(a.s.score) || a.i - b.i);
    const layers = order.map(({ s }, r) => ({ ...s, rank: r + 1 }));
    return { method: options.method, layers, seconds: (performance.now() - started) / 1000 };
  } finally {
    runner?.close();
    store.close();
    releaseKernels(); // their memory grew to the widest set's chunk: not kept for the training after
  }
}

/**
 * One thread unless asked: measured on a quiet 2-core machine (docs/triage.md), a second thread did
 * not pay for its start (its own module loading and cold code) on stores of 10,000–20,000 train rows,
 * and gained 10–25% on 60,000 rows of a 512-wide set.
 */
function partRunner(
  storeDir: string,
  store: FeatureStore,
  data: Labelled,
  widths: readonly number[],
  asked = 1,
): PartRunner {
  const threads = Math.min(asked, widths.length * data.trainParts.length);
  if (threads <= 1) return inlineRunner(store, data.labels);
  return threadRunner(storeDir, store, Int32Array.from(data.labels), threads);
}

/**
 * Per set, the first earlier set with byte-identical stored values (equal width and content digest),
 * or undefined. A model can expose one tensor under two names (the ViT's last block output, mean-pooled
 * by layerlab, is the head's own ReduceMean): scoring it once saves a pass, and `train --triage K`
 * keeps K different feature sets rather than one twice.
 */
function identicalSets(
  store: FeatureStore,
  sets: readonly { key: string }[],
  widths: readonly number[],
): (number | undefined)[] {
  // the first batch's hash rules out nearly every pair; the whole digest (a read of every batch's
  // hash) is taken only for sets that agree on it
  const quick = sets.map(({ key }, i) => `${widths[i]}:${store.contentDigest(key, 1)}`);
  const first = new Map<string, number>();
  return sets.map(({ key }, i) => {
    if (quick.indexOf(quick[i]!) === quick.lastIndexOf(quick[i]!)) return undefined; // no candidate
    const content = `${quick[i]}:${store.contentDigest(key)}`;
    const earlier = first.get(content);
    if (earlier === undefined) first.set(content, i);
    return earlier;
  });
}

/** NaN (a degenerate set) ranks last. */
const orderable = (score: number) => (Number.isNaN(score) ? -Infinity : score);

interface SetInFlight {
  parts: Int32Array[];
  threadOf: number[];
  shift: Float64Array;
  sums: ScalingSums[];
  moments: Moments[];
  waiting: number;
  scaling?: Scaling;
  started: number;
}

/**
 * Scores the sets part by part: a set's parts go to the least loaded threads for its scaling pass;
 * when they are all back, its scaling goes to the same threads for the moments pass; when those
 * are back, the set is scored here while the threads read the next sets. A few sets are in flight
 * at once, so the threads never wait for a set to be scored.
 */
function scoreInParts(
  store: FeatureStore,
  runner: PartRunner,
  sets: readonly { key: string; layer: string }[],
  widths: readonly number[],
  data: Labelled,
  options: TriageOptions,
): Omit<LayerScore, 'rank'>[] {
  const to = options.dims ?? DEFAULT_TRIAGE_DIMS;
  const seed = options.seed ?? 1;
  const withClassGrams = options.method === 'transrate';
  const load = new Float64Array(runner.threads);
  const leastLoaded = (cost: number) => {
    const thread = load.indexOf(Math.min(...load));
    load[thread] = load[thread]! + cost;
    return thread;
  };
  const flights = new Map<number, SetInFlight>();
  const scored: Omit<LayerScore, 'rank'>[] = [];
  const inFlight = runner.threads === 1 ? 1 : runner.threads + 1;
  let next = 0;
  let done = 0;
  while (done < sets.length) {
    for (; flights.size < inFlight && next < sets.length; next++) {
      const set = next;
      const { key } = sets[set]!;
      const dims = widths[set]!;
      const parts = data.trainParts;
      const shift = Float64Array.from(store.readRows(key, data.train.subarray(0, 1)));
      const threadOf = parts.map((rows) => leastLoaded(rows.length * dims));
      flights.set(set, {
        parts,
        threadOf,
        shift,
        sums: [],
        moments: [],
        waiting: parts.length,
        started: performance.now(),
      });
      parts.forEach((rows, part) =>
        runner.post({ kind: 'scaling', set, part, key, dims, rows, shift }, threadOf[part]!),
      );
    }
    const reply = runner.next();
    if (reply.kind === 'failed') throw new Error(`triage: ${reply.message}`);
    const flight = flights.get(reply.set)!;
    const { key, layer } = sets[reply.set]!;
    const dims = widths[reply.set]!;
    if (reply.kind === 'scaling') {
      flight.sums[reply.part] = reply.sums;
      if (--flight.waiting > 0) continue;
      const scaling = scalingOf(flight.sums, flight.shift, data.train.length);
      flight.scaling = scaling;
      flight.waiting = flight.parts.length;
      flight.parts.forEach((rows, part) => {
        const task = { kind: 'moments' as const, set: reply.set, part, key, dims, rows, scaling, to, seed };
        runner.post({ ...task, classes: data.classes, withClassGrams }, flight.threadOf[part]!);
      });
      continue;
    }
    flight.moments[reply.part] = reply.moments;
    if (--flight.waiting > 0) continue;
    const projection = runner.projection(dims, to, seed);
    const m = emptyMoments(projection.to, data.classes, withClassGrams);
    for (const part of flight.moments) addMoments(m, part);
    finishMoments(m);
    const transform = { scaling: flight.scaling!, projection };
    const score = scoreMoments(store, key, m, data, transform, options.method);
    scored[reply.set] = {
      layer,
      key,
      score,
      dims: projection.to,
      seconds: (performance.now() - flight.started) / 1000,
    };
    flights.delete(reply.set);
    done++;
  }
  return scored;
}

function scoreMoments(
  store: FeatureStore,
  key: string,
  m: Moments,
  data: Labelled,
  transform: { scaling: Scaling; projection: Projection },
  method: TriageMethod,
): number {
  switch (method) {
    case 'logme':
      return logme(m);
    case 'transrate':
      return transrate(m);
    case 'hscore':
      return hscore(m, false);
    case 'shrinkage-hscore':
      return hscore(m, true);
    case 'ridge': {
      // the validation accuracy of the GCV-tuned head: one more pass, over the validation split
      const solution = solveRidge(m);
      const dims = transform.projection.to;
      let correct = 0;
      for (const { x, rows } of rowChunks(store, key, data.val)) {
        const z = transformChunk(x, rows.length, transform.scaling, transform.projection);
        const scores = ridgeScores(solution, z, rows.length, dims);
        rows.forEach((r, i) => {
          if (argmax(scores, i * data.classes, data.classes) === data.labels[r]) correct++;
        });
      }
      return correct / data.val.length;
    }
  }
}

/** The first index of the largest of `count` values from `offset`. */
export function argmax(values: Float64Array, offset: number, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (values[offset + k]! > values[offset + best]!) best = k;
  return best;
}
