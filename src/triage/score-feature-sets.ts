import { badData, notFound } from '../core/errors.js';
import { FeatureStore } from '../store/feature-store.js';
import { hscore } from './hscore.js';
import { logme } from './logme.js';
import { randomProjection } from './project.js';
import { readMoments, readScaling, rowChunks, rowPasses, transformChunk } from './read-moments.js';
import { ridgeScores, solveRidge } from './ridge.js';
import { DEFAULT_TRIAGE_DIMS, type TriageMethod } from './methods.js';
import { transrate } from './transrate.js';

export interface TriageOptions {
  method: TriageMethod;
  /** the common dimension wider sets are projected to @default 128 */
  dims?: number;
  /** seed of the random projection @default 1 */
  seed?: number;
}

export interface LayerScore {
  layer: string;
  key: string;
  score: number;
  /** 1 = best */
  rank: number;
  /** the width the set was scored at */
  dims: number;
  seconds: number;
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
    const data: Labelled = {
      labels: labels as Labelled['labels'],
      classes: Math.max(store.manifest()?.dataset.classNames.length ?? 0, maxLabel + 1, 2),
      train: splitRows(split, 0, covered),
      val: splitRows(split, 1, covered),
    };
    if (data.train.length < 2)
      throw badData(`the store ${storeDir} has fewer than 2 train records; extract more data to triage it`);
    if (options.method === 'ridge' && data.val.length === 0)
      throw badData(`the store ${storeDir} has no validation records for --method ridge; use another method`);
    const scored = sets.map(({ key, layer }, i) => {
      const t = performance.now();
      const { score, dims } = scoreOne(store, key, manifests[i]!.dims, data, options);
      return { layer, key, score, dims, seconds: (performance.now() - t) / 1000 };
    });
    const order = scored
      .map((s, i) => ({ s, i }))
      .sort((a, b) => orderable(b.s.score) - orderable(a.s.score) || a.i - b.i);
    const layers = order.map(({ s }, r) => ({ ...s, rank: r + 1 }));
    return { method: options.method, layers, seconds: (performance.now() - started) / 1000 };
  } finally {
    store.close();
  }
}

/** NaN (a degenerate set) ranks last. */
const orderable = (score: number) => (Number.isNaN(score) ? -Infinity : score);

function scoreOne(
  store: FeatureStore,
  key: string,
  width: number,
  data: Labelled,
  options: TriageOptions,
): { score: number; dims: number } {
  const projection = randomProjection(width, options.dims ?? DEFAULT_TRIAGE_DIMS, options.seed ?? 1);
  const passes = rowPasses(store, key, data.train, width);
  const transform = { scaling: readScaling(passes(), width, data.train.length), projection };
  const m = readMoments(passes(), data.labels, data.classes, transform, options.method === 'transrate');
  const dims = projection.to;
  switch (options.method) {
    case 'logme':
      return { score: logme(m), dims };
    case 'transrate':
      return { score: transrate(m), dims };
    case 'hscore':
      return { score: hscore(m, false), dims };
    case 'shrinkage-hscore':
      return { score: hscore(m, true), dims };
    case 'ridge': {
      const solution = solveRidge(m);
      let correct = 0;
      for (const { x, rows } of rowChunks(store, key, data.val)) {
        const scores = ridgeScores(
          solution,
          transformChunk(x, rows.length, transform.scaling, projection),
          rows.length,
          dims,
        );
        rows.forEach((r, i) => {
          if (argmax(scores, i * data.classes, data.classes) === data.labels[r]) correct++;
        });
      }
      return { score: correct / data.val.length, dims };
    }
  }
}

/** The first index of the largest of `count` values from `offset`. */
export function argmax(values: Float64Array, offset: number, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (values[offset + k]! > values[offset + best]!) best = k;
  return best;
}
