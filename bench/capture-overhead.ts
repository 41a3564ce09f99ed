/**
 * Capture overhead: the time of one pass capturing K layers (pooled in the graph) divided by the
 * time of a plain forward pass of the unmodified model, and the lazy baseline (one pass per layer,
 * Vista's strawman) for comparison. Measured on the built-in CNN, the tiny BERT fixture and every
 * real ONNX model or transformers.js folder under ../shared/assets/models (LAYERLAB_ASSETS).
 *
 *   npm run build && node dist/bench/capture-overhead.js [--batch 32] [--reps 30] [--threads 1]
 *
 * Variants run interleaved, round after round, and the table shows medians, so a noisy machine
 * slows every variant alike. Only forward passes are timed (inputs are prepared once).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type * as ort from 'onnxruntime-node';
import type { Backbone } from '../src/backbone/backbone.js';
import type { CapturePoint, Pooling } from '../src/backbone/capture-point.js';
import { loadBackbone } from '../src/backbone/load-backbone.js';
import { captureModel, type Feeds } from '../src/backbone/onnx-capture.js';
import { createOnnxSession, type OnnxModelFile } from '../src/backbone/onnx-model-file.js';
import { blockOutputs } from '../src/backbone/select-layers.js';
import { packageRoot } from '../src/core/paths.js';
import { syntheticFeeds } from './capture-feeds.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '32' },
    reps: { type: 'string', default: '30' },
    threads: { type: 'string', default: '1' },
    only: { type: 'string' },
  },
});
const batch = Number(values.batch);
const reps = Number(values.reps);
const threads = Number(values.threads);

/** The built-in models, then every model folder under the shared assets. */
function benchmarkRefs(): string[] {
  const refs = ['builtin:shapes-cnn', 'builtin:tiny-bert'];
  const assets = join(process.env.LAYERLAB_ASSETS ?? join(packageRoot(), '..', 'shared', 'assets'), 'models');
  if (!existsSync(assets)) return refs;
  for (const name of readdirSync(assets).sort()) {
    const folder = join(assets, name);
    if (existsSync(join(folder, 'config.json'))) refs.push(folder);
    else if (existsSync(join(folder, 'model.onnx'))) refs.push(join(folder, 'model.onnx'));
  }
  return refs;
}

type Pass = () => Promise<void>;

/** A pass over `batch` records: one run, or one run per record for a fixed-batch model. */
async function pass(
  file: OnnxModelFile,
  bytes: Uint8Array,
  feeds: Feeds[],
  fetches?: string[],
): Promise<Pass> {
  const session: ort.InferenceSession = await createOnnxSession(file, bytes, threads);
  return async () => {
    for (const f of feeds) {
      const out = fetches ? await session.run(f, fetches) : await session.run(f);
      for (const tensor of Object.values(out)) tensor.dispose();
    }
  };
}

/**
 * The fastest round: on a shared machine other processes only ever add time, so the minimum is
 * the steadiest estimate of a pass's own cost (medians are printed beside it).
 */
const fastest = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Timing {
  fastest: number;
  median: number;
}

async function measure<K extends string>(passes: Record<K, Pass>): Promise<Record<K, Timing>> {
  const entries = Object.entries(passes) as [K, Pass][];
  const times = new Map<K, number[]>(entries.map(([k]) => [k, []]));
  for (let r = -3; r < reps; r++) {
    for (const [name, run] of entries) {
      const started = performance.now();
      await run();
      if (r >= 0) times.get(name)!.push(performance.now() - started);
    }
  }
  return Object.fromEntries(
    [...times].map(([k, v]) => [k, { fastest: fastest(v), median: median(v) }]),
  ) as Record<K, Timing>;
}

async function benchmark(ref: string) {
  const backbone: Backbone & { file?: OnnxModelFile } = await loadBackbone(ref);
  const file = backbone.file;
  if (!file)
    throw new Error(`${ref}: the benchmark times ONNX Runtime passes (ONNX and transformers.js models)`);
  const fixed = backbone.inputs[0]!.shape[0];
  const feeds =
    typeof fixed === 'number'
      ? Array.from({ length: batch / fixed }, (_, i) => syntheticFeeds(backbone, fixed, i + 1))
      : [syntheticFeeds(backbone, batch)];
  const mask = backbone.modality === 'text' ? 'attention_mask' : undefined;
  const capture = (points: readonly CapturePoint[], pooling: Pooling) => {
    const edited = captureModel(file, points, pooling, mask);
    return pass(file, edited.bytes, feeds, [edited.output]);
  };
  const blocks = blockOutputs(backbone.points);
  const lazyPasses = await Promise.all(blocks.map((p) => capture([p], 'mean')));
  const timed = await measure({
    plain: await pass(file, file.bytes, feeds),
    onePass: await capture(blocks, 'mean'),
    onePassAll: await capture(backbone.points, 'mean'),
    onePassRaw: await capture(blocks, 'none'),
    lazy: async () => {
      for (const run of lazyPasses) await run();
    },
  });
  return { ref, k: blocks.length, all: backbone.points.length, ...timed };
}

const rows: string[][] = [];
for (const ref of benchmarkRefs().filter((r) => !values.only || r.includes(values.only))) {
  const r = await benchmark(ref);
  const ratio = (t: Timing) => (t.fastest / r.plain.fastest).toFixed(2);
  rows.push([
    r.ref.replace(/.*\/models\//, ''),
    String(r.k),
    r.plain.fastest.toFixed(2),
    r.onePass.fastest.toFixed(2),
    ratio(r.onePass),
    (r.onePass.median / r.plain.median).toFixed(2),
    ratio(r.onePassRaw),
    `${ratio(r.onePassAll)} (K=${r.all})`,
    r.lazy.fastest.toFixed(2),
    ratio(r.lazy),
  ]);
}
const header = [
  'model',
  'K',
  'plain ms',
  'one-pass ms',
  'ratio',
  '(median)',
  'unpooled',
  'every point',
  'lazy ms',
  'lazy ratio',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`capture overhead: batch ${batch}, ${threads} thread(s), fastest of ${reps} interleaved rounds`);
console.log('ratio = one pass capturing the K block outputs, mean-pooled in the graph / plain forward pass');
console.log([line(header), ...rows.map(line)].join('\n'));
