/**
 * Issue 17's evidence: does closed-form triage pick the layer full training picks, and how much
 * faster? For the built-in pair and each real model × dataset pair under ../shared/assets (skipped
 * when absent), every layer is extracted once, then, all in this one run:
 *   - each triage method scores every layer (`layerlab triage --json`, its own seconds);
 *   - a full training run trains logistic regression and MLP grids on every layer (`train`);
 *   - `train --triage 3` trains the same grid on the 3 best-scored layers only;
 *   - the same 3 layers are trained alone (`--layers`, no triage): the full run ÷ this is the bound,
 *     the speed-up a triage that took no time would give;
 *   - `type: ridge` heads are solved on every layer.
 * Per pair and method it reports Kendall τ-b between the triage scores and the layers' best
 * validation accuracy, whether the truly best layer is in the triage top 1 and top 3, and triage
 * seconds ÷ full-training seconds; then the --triage 3 speed-up and best-test difference, and ridge
 * vs logistic regression best test accuracy. Writes bench/results/triage-evidence.json.
 *
 * The workload is a training run a user would start: `train`'s default 10 epochs over a typical
 * sweep of 8 heads (logistic regression and a 64-unit MLP × 2 learning rates × 2 L2 strengths) on
 * every layer, on stores large enough that the full training takes seconds, not a fraction (20,000 + 2,000
 * Fashion-MNIST images; every CIFAR-10 train image of the shared assets, 1,000 per class, + 100 test
 * images per class; the built-in store is the generator's 4,000 records). With one-second trainings,
 * fixed costs (process start, ONNX Runtime sessions, the first pass of cold code) decided both time
 * ratios; here they are a smaller part of either side. The output states the workload; `--quick`
 * runs a small built-in check (2 epochs); `--pair ID` runs one pair (its results go to
 * triage-evidence-ID.json, beside the all-pairs file).
 *
 * Every pair trains every candidate capture point of its backbone: triage is for the user who does
 * not know which layer to pick, so all the candidates are the honest baseline, and a hand-picked one
 * per block is the run triage is least needed for. That is every float tensor (`layers --all`) of
 * builtin:shapes-cnn (14), mnist-8 (6) and the CIFAR-10 ResNet (22: each conv, ReLU, residual add,
 * the flatten and the two linear layers). The ViT has 101 tensors, most of them attention internals
 * (per-head reshapes and transposes, softmax maps, q/k/v products), so it takes the product's
 * default candidate set, one capture point per block (`blocks`, 7).
 *
 *   npm run build && node dist/bench/triage-evidence.js [--quick] [--epochs N] [--pair ID] [--keep]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/core/paths.js';
import { Split } from '../src/data/split.js';
import { FeatureStore } from '../src/store/feature-store.js';
import { benchPairs, prepareData, type BenchPair } from './harness/pairs.js';
import { writeResults } from './harness/results-file.js';

const METHODS = ['logme', 'transrate', 'hscore', 'shrinkage-hscore', 'ridge'] as const;
const cli = join(packageRoot(), 'bin', 'layerlab.js');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    epochs: { type: 'string' },
    pair: { type: 'string' },
    /** keeps each pair's work folder (its store and runs) for a closer look, and prints its path */
    keep: { type: 'boolean', default: false },
  },
});
const quick = values.quick;
/** `train`'s own default (src/cli/commands/train.ts), so the full run is the one a user would start */
const epochs = values.epochs ? Number(values.epochs) : quick ? 2 : 10;
const HEAD_GRID =
  'type: [linear, mlp]\nhidden: 64\nlr: [0.1, 0.01]\nl2: [1e-4, 1e-2]\nmomentum: 0.9\nbatchSize: 64\nschedule: cosine\n';
const HEADS_PER_LAYER = 8;
const WORKERS = 2;

/**
 * Every candidate capture point a user would triage, per real model (see the header): mnist-8's and
 * the ResNet's every float tensor (`layers --all`: 6 and 22), the ViT's default `blocks` (7 of its
 * 101 tensors; the rest are attention internals: per-head reshapes, transposes, softmax maps).
 */
const CANDIDATES: Record<string, string[]> = {
  'mnist-8--fashion-mnist': ['*'],
  'cifar10-resnet4b--cifar10-jpg': ['*'],
  'vit-cifar10--cifar10-jpg': ['blocks'],
};
/** every CIFAR-10 train image of the shared assets (1,000 per class) and 100 test images per class */
const CIFAR_PER_CLASS = { train: 1000, test: 100 };

/** Realistic subsets: enough records that training every layer takes seconds (3.6–11.5 s here). */
function evidencePairs(): { pairs: BenchPair[]; skipped: string[] } {
  const { pairs, skipped } = benchPairs(quick);
  return {
    skipped,
    pairs: pairs.map((p) => {
      const data = p.data;
      // builtin:shapes through the CLI (its 4,000 records), every capture point (see above)
      if (data.kind === 'builtin') return { ...p, layers: ['*'] };
      if (data.kind === 'idx') return { ...p, data: { ...data, train: 20_000, test: 2_000 } };
      return { ...p, layers: CANDIDATES[p.id] ?? p.layers, data: { ...data, perClass: CIFAR_PER_CLASS } };
    }),
  };
}

function layerlab(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [cli, ...args],
      { maxBuffer: 256 * 2 ** 20, env: { ...process.env, CI: '1' } },
      (error, stdout, stderr) =>
        error ? reject(new Error(`layerlab ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    ),
  );
}

const lastLine = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').at(-1)!) as T;

/** Records per split of a store (what the workload line states). */
function splitSizes(dir: string): { train: number; val: number; test: number } {
  const store = FeatureStore.open(dir, { write: false });
  try {
    const { split } = store.records();
    const count = (which: number) => Array.from(split).filter((s) => s === which).length;
    return { train: count(Split.train), val: count(Split.val), test: count(Split.test) };
  } finally {
    store.close();
  }
}

/** A CLI run and its wall-clock seconds, process start and module loading included. */
async function timed(run: Promise<string>): Promise<{ stdout: string; wall: number }> {
  const started = performance.now();
  const stdout = await run;
  return { stdout, wall: (performance.now() - started) / 1000 };
}

interface TrainResult {
  run: string;
  seconds: { train: number; total: number };
  best: { layer: string; value: number; test: number | null };
  triage?: { seconds: number; layers: { layer: string; kept: boolean }[] };
}
interface Row {
  model: string;
  layer: string;
  head: string;
  value: number;
  test: number | null;
}

/** Kendall's τ-b (ties in either ranking counted as neither concordant nor discordant). */
export function kendallTauB(a: readonly number[], b: readonly number[]): number {
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < a.length; i++)
    for (let j = i + 1; j < a.length; j++) {
      const da = Math.sign(a[i]! - a[j]!);
      const db = Math.sign(b[i]! - b[j]!);
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA++;
      else if (db === 0) tiesB++;
      else if (da === db) concordant++;
      else discordant++;
    }
  const denominator = Math.sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB));
  return denominator === 0 ? 0 : (concordant - discordant) / denominator;
}

/** Per layer, the best validation accuracy over the run's heads, and that head's test accuracy. */
function bestPerLayer(rows: readonly Row[], keep: (r: Row) => boolean = () => true) {
  const best = new Map<string, { value: number; test: number | null }>();
  for (const r of rows.filter(keep)) {
    const current = best.get(r.layer);
    if (!current || r.value > current.value) best.set(r.layer, { value: r.value, test: r.test });
  }
  return best;
}

async function runPair(pair: BenchPair, work: string, log: (line: string) => void) {
  const home = join(work, 'home');
  const data = prepareData(pair, work);
  const store = join(work, 'store');
  const pre = pair.preprocess;
  log(`${pair.id}: extracting ${pair.layers.join(',')}…`);
  const extracted = lastLine<{ featureSets: { layer: string; dims: number; records: number }[] }>(
    await layerlab([
      '--home',
      home,
      'extract',
      pair.modelRef,
      data,
      '--layers',
      pair.layers.join(','),
      '--store',
      store,
      '--json',
      ...(pre.scale === undefined ? [] : ['--scale', String(pre.scale)]),
      ...(pre.mean ? ['--mean', pre.mean.join(','), '--std', pre.std!.join(',')] : []),
    ]),
  );
  const splits = splitSizes(store);
  const heads = join(work, 'heads.yaml');
  writeFileSync(heads, HEAD_GRID);
  const ridgeHeads = join(work, 'ridge.yaml');
  writeFileSync(ridgeHeads, 'type: ridge\n');
  const train = (extra: string[]) =>
    layerlab([
      '--home',
      home,
      'train',
      '--store',
      store,
      '--heads',
      heads,
      '--epochs',
      String(epochs),
      '--workers',
      String(WORKERS),
      '--json',
      ...extra,
    ]);
  const rowsOf = async (run: string) =>
    (JSON.parse(await layerlab(['--home', home, 'results', run, '--json'])) as { models: Row[] }).models;

  const triage = [];
  for (const method of METHODS) {
    const doc = JSON.parse(await layerlab(['triage', '--store', store, '--method', method, '--json'])) as {
      layers: { layer: string; score: number | null; rank: number }[];
      seconds: number;
    };
    triage.push({ method, ...doc });
  }
  const workload = {
    records: splits,
    layers: extracted.featureSets.map((f) => ({ layer: f.layer, dims: f.dims })),
    headsPerLayer: HEADS_PER_LAYER,
    epochs,
    workers: WORKERS,
  };
  log(
    `${pair.id}: full training: ${workload.layers.length} layers (widths ${workload.layers.map((l) => l.dims).join(', ')}) × ${HEADS_PER_LAYER} heads × ${epochs} epochs on ${splits.train} train records (${splits.val} val, ${splits.test} test), ${WORKERS} workers…`,
  );
  const fullRun = await timed(train([]));
  const full = lastLine<TrainResult>(fullRun.stdout);
  const fullRows = await rowsOf(full.run);
  const trained = bestPerLayer(fullRows);
  const layers = [...trained.keys()];
  const trulyBest = layers.reduce((a, b) => (trained.get(b)!.value > trained.get(a)!.value ? b : a));
  log(`${pair.id}: full training took ${full.seconds.train.toFixed(1)} s; train --triage 3…`);
  const triagedRun = await timed(train(['--triage', '3']));
  const triaged = lastLine<TrainResult>(triagedRun.stdout);
  // the same layers trained without scoring first: what `--triage 3` would take if triage took no
  // time, so full ÷ this is the most any triage could speed the run up on this pair
  const kept = (triaged.triage?.layers ?? []).filter((l) => l.kept).map((l) => l.layer);
  log(`${pair.id}: the ${kept.length} kept layers alone (the bound on any triage's speed-up)…`);
  const keptOnlyRun = await timed(train(['--layers', kept.join(',')]));
  const keptOnly = lastLine<TrainResult>(keptOnlyRun.stdout);
  log(`${pair.id}: ridge heads…`);
  const ridge = lastLine<TrainResult>(
    await layerlab([
      '--home',
      home,
      'train',
      '--store',
      store,
      '--heads',
      ridgeHeads,
      '--epochs',
      '1',
      '--workers',
      '2',
      '--json',
    ]),
  );
  const linearBest = bestPerLayer(fullRows, (r) => !r.head.startsWith('mlp'));
  const linearTop = [...linearBest.values()].reduce((a, b) => (b.value > a.value ? b : a));

  const methods = triage.map((t) => {
    const score = new Map(t.layers.map((l) => [l.layer, l.score ?? -Infinity]));
    const tau = kendallTauB(
      layers.map((l) => score.get(l)!),
      layers.map((l) => trained.get(l)!.value),
    );
    const rankOfBest = t.layers.find((l) => l.layer === trulyBest)!.rank;
    return {
      method: t.method,
      kendallTau: tau,
      top1: rankOfBest === 1,
      top3: rankOfBest <= 3,
      triageSeconds: t.seconds,
      timeRatio: t.seconds / full.seconds.train,
      ranking: t.layers.map((l) => l.layer),
    };
  });
  return {
    pair: pair.id,
    model: pair.model,
    dataset: pair.dataset,
    layers: layers.length,
    workload,
    trulyBest,
    trained: Object.fromEntries([...trained].map(([l, v]) => [l, v])),
    fullTrainSeconds: full.seconds.train,
    methods,
    triage3: {
      speedupRatio: full.seconds.total / triaged.seconds.total,
      /** the same, from the wall clock around each CLI process (node start and module loading in) */
      wallSpeedupRatio: fullRun.wall / triagedRun.wall,
      fullSeconds: full.seconds.total,
      triagedSeconds: triaged.seconds.total,
      fullWallSeconds: fullRun.wall,
      triagedWallSeconds: triagedRun.wall,
      /** the triage inside `train --triage 3` (the default method), ÷ the full training */
      triageSeconds: triaged.triage?.seconds ?? null,
      /**
       * full ÷ the kept layers trained alone, no triage (`--layers`): the speed-up a triage that
       * took no time would give; when it is under the target, no triage can meet the target here
       */
      boundSpeedupRatio: full.seconds.total / keptOnly.seconds.total,
      keptOnlySeconds: keptOnly.seconds.total,
      triageTimeRatio: triaged.triage ? triaged.triage.seconds / full.seconds.train : null,
      fullBestTest: full.best.test,
      triagedBestTest: triaged.best.test,
      testDifference: (full.best.test ?? 0) - (triaged.best.test ?? 0),
      sameBestLayer: full.best.layer === triaged.best.layer,
    },
    ridgeVsLogistic: {
      ridgeBestTest: ridge.best.test,
      logisticBestTest: linearTop.test,
      ridgeSeconds: ridge.seconds.total,
      differenceRatio: (ridge.best.test ?? 0) - (linearTop.test ?? 0),
    },
  };
}

const began = performance.now();
const log = (line: string) =>
  console.log(`[${((performance.now() - began) / 60_000).toFixed(1)} min] ${line}`);
const { pairs: allPairs, skipped } = evidencePairs();
const pairs = values.pair ? allPairs.filter((p) => p.id === values.pair) : allPairs;
if (pairs.length === 0)
  throw new Error(`no pair ${values.pair}; pairs here: ${allPairs.map((p) => p.id).join(', ')}`);
for (const s of skipped) log(`skipped: ${s}`);
const outcomes: Awaited<ReturnType<typeof runPair>>[] = [];
for (const pair of pairs) {
  const work = mkdtempSync(join(tmpdir(), `layerlab-triage-${pair.id}-`));
  mkdirSync(work, { recursive: true });
  try {
    outcomes.push(await runPair(pair, work, log));
  } finally {
    if (values.keep) log(`${pair.id}: kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
console.log(`\nworkload (per pair; every full training and --triage 3 run, ${WORKERS} workers):`);
for (const o of outcomes)
  console.log(
    `  ${o.pair.padEnd(32)} ${o.workload.records.train} train / ${o.workload.records.val} val / ${o.workload.records.test} test records; ${o.layers} layers (widths ${o.workload.layers.map((l) => l.dims).join(', ')}) × ${o.workload.headsPerLayer} heads × ${o.workload.epochs} epochs; full training ${o.fullTrainSeconds.toFixed(1)} s`,
  );
console.log(
  '\npair                              method            τ      top1  top3  triage s  ÷ full train',
);
for (const o of outcomes)
  for (const m of o.methods)
    console.log(
      `${o.pair.padEnd(34)}${m.method.padEnd(18)}${m.kendallTau.toFixed(2).padStart(5)}  ${(m.top1 ? 'yes' : 'no').padEnd(5)} ${(m.top3 ? 'yes' : 'no').padEnd(5)} ${m.triageSeconds.toFixed(2).padStart(8)}  ${(m.timeRatio * 100).toFixed(2)}%`,
    );
console.log(
  '\nmean τ by method: ' +
    METHODS.map((method) => {
      const taus = outcomes.map((o) => o.methods.find((m) => m.method === method)!.kendallTau);
      return `${method} ${(taus.reduce((a, b) => a + b, 0) / Math.max(1, taus.length)).toFixed(2)}`;
    }).join(', '),
);
console.log(
  '\npair                              all layers s  --triage 3 s  speed-up (wall)   bound  triage in it ÷ full  best test full / triaged  same layer   ridge / logistic best test',
);
for (const o of outcomes) {
  const t = o.triage3;
  console.log(
    `${o.pair.padEnd(34)}${t.fullSeconds.toFixed(1).padStart(12)}  ${t.triagedSeconds.toFixed(1).padStart(12)}  ${t.speedupRatio.toFixed(2).padStart(6)}× (${t.wallSpeedupRatio.toFixed(2)}×)  ${t.boundSpeedupRatio.toFixed(2).padStart(5)}×  ${pct(t.triageTimeRatio).padStart(18)}  ${pct(t.fullBestTest)} / ${pct(t.triagedBestTest)}        ${t.sameBestLayer ? 'yes' : 'no '}        ${pct(o.ridgeVsLogistic.ridgeBestTest)} / ${pct(o.ridgeVsLogistic.logisticBestTest)}`,
  );
}
console.log('targets: triage ≤ 5% of full training; --triage 3 ≥ 2× faster end to end');
console.log(
  'bound: all layers ÷ the kept layers trained alone (--layers, no triage), the most any triage can give',
);
const path = writeResults(values.pair ? `triage-evidence-${values.pair}` : 'triage-evidence', quick, {
  epochs,
  workload: { headGrid: HEAD_GRID, headsPerLayer: HEADS_PER_LAYER, epochs, workers: WORKERS },
  targetTimeRatio: '≤ 0.05 (triage ÷ full training)',
  targetSpeedup: '≥ 2 (--triage 3 ÷ every layer, end to end)',
  outcomes,
  skippedPairs: skipped,
});
console.log(`\nwritten to ${path}`);
