/**
 * Issue 17's evidence: does closed-form triage pick the layer full training picks, and how much
 * faster? For the built-in pair and each real model × dataset pair under ../shared/assets (skipped
 * when absent), every layer is extracted once, then, all in this one run:
 *   - each triage method scores every layer (`layerlab triage --json`, its own seconds);
 *   - a full training run trains logistic regression and MLP grids on every layer (`train`);
 *   - `train --triage 3` trains the same grid on the 3 best-scored layers only;
 *   - `type: ridge` heads are solved on every layer.
 * Per pair and method it reports Kendall τ-b between the triage scores and the layers' best
 * validation accuracy, whether the truly best layer is in the triage top 1 and top 3, and triage
 * seconds ÷ full-training seconds; then the --triage 3 speed-up and best-test difference, and ridge
 * vs logistic regression best test accuracy. Writes bench/results/triage-evidence.json.
 *
 *   npm run build && node dist/bench/triage-evidence.js [--quick]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/core/paths.js';
import { benchPairs, prepareData, type BenchPair } from './harness/pairs.js';
import { writeResults } from './harness/results-file.js';

const METHODS = ['logme', 'transrate', 'hscore', 'shrinkage-hscore', 'ridge'] as const;
const cli = join(packageRoot(), 'bin', 'layerlab.js');

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = values.quick;
const epochs = quick ? 2 : 4;

/** Smaller subsets than the end-to-end bench: this one trains every layer three times. */
function evidencePairs(): { pairs: BenchPair[]; skipped: string[] } {
  const { pairs, skipped } = benchPairs(quick);
  return {
    skipped,
    pairs: pairs.map((p) => {
      const data = p.data;
      if (data.kind === 'builtin') return { ...p, data: { ...data, count: quick ? 2000 : 4000 } };
      if (data.kind === 'idx') return { ...p, data: { ...data, train: 3000, test: 500 } };
      return { ...p, data: { ...data, perClass: { train: 120, test: 30 } } };
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

interface TrainResult {
  run: string;
  seconds: { train: number; total: number };
  best: { layer: string; value: number; test: number | null };
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
  ]);
  const heads = join(work, 'heads.yaml');
  writeFileSync(
    heads,
    'type: [linear, mlp]\nhidden: 64\nlr: [0.1, 0.01]\nl2: [1e-4, 1e-2]\nmomentum: 0.9\nbatchSize: 64\nschedule: cosine\n',
  );
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
      '2',
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
  log(`${pair.id}: full training (every layer, 8 heads, ${epochs} epochs)…`);
  const full = lastLine<TrainResult>(await train([]));
  const fullRows = await rowsOf(full.run);
  const trained = bestPerLayer(fullRows);
  const layers = [...trained.keys()];
  const trulyBest = layers.reduce((a, b) => (trained.get(b)!.value > trained.get(a)!.value ? b : a));
  log(`${pair.id}: train --triage 3…`);
  const triaged = lastLine<TrainResult>(await train(['--triage', '3']));
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
    trulyBest,
    trained: Object.fromEntries([...trained].map(([l, v]) => [l, v])),
    fullTrainSeconds: full.seconds.train,
    methods,
    triage3: {
      speedupRatio: full.seconds.total / triaged.seconds.total,
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
const { pairs, skipped } = evidencePairs();
for (const s of skipped) log(`skipped: ${s}`);
const outcomes: Awaited<ReturnType<typeof runPair>>[] = [];
for (const pair of pairs) {
  const work = mkdtempSync(join(tmpdir(), `layerlab-triage-${pair.id}-`));
  mkdirSync(work, { recursive: true });
  try {
    outcomes.push(await runPair(pair, work, log));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
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
  '\npair                              --triage 3 speed-up  best test full / triaged  same layer   ridge / logistic best test',
);
for (const o of outcomes)
  console.log(
    `${o.pair.padEnd(34)}${o.triage3.speedupRatio.toFixed(2).padStart(8)}×           ${pct(o.triage3.fullBestTest)} / ${pct(o.triage3.triagedBestTest)}        ${o.triage3.sameBestLayer ? 'yes' : 'no '}        ${pct(o.ridgeVsLogistic.ridgeBestTest)} / ${pct(o.ridgeVsLogistic.logisticBestTest)}`,
  );
const path = writeResults('triage-evidence', quick, { epochs, outcomes, skippedPairs: skipped });
console.log(`\nwritten to ${path}`);
