/**
 * Grouped learning (Kingpin, VLDB 2021): 50 data groups, each with its own task, trained
 *   grouped: one `train --groups` job on the store of all groups (one scan per batch updates every
 *            group's head; the job also trains the shared head over all records, its baseline), against
 *   tasks:   task parallelism: one `train` job per group, on a store of that group's records only.
 * Same head, epochs, seed, workers and per-group records (train/val/test as in the grouped store), so
 * the per-group test accuracies must agree; each variant runs in its own process, which reports its
 * wall time and peak RSS. Prints the speed ratio (tasks ÷ grouped; target ≥ 4×) and both peak RSS.
 * Run: npm run build && node dist/bench/grouped-training.js
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/core/random.js';
import { FeatureStore, type StoreGroups } from '../src/store/feature-store.js';
import type { HeadConfig } from '../src/train/heads/head-config.js';
import { train } from '../src/train/mop/train.js';
import type { TrainJob } from '../src/train/mop/train-job.js';
import { readJsonIfAny, runBenchScript } from './harness/child.js';
import { recordResult } from './train-bench-store.js';
import { round } from './train-timing.js';

const GROUPS = 50;
const PER_GROUP = 300;
const DIMS = 32;
const EPOCHS = 5;
const WORKERS = 1;
const HEAD: HeadConfig = {
  type: 'linear',
  lr: 0.05,
  l2: 1e-4,
  batchSize: 32,
  momentum: 0.9,
  optimizer: 'sgd',
};
const featureSets = [{ key: 'set0', layer: 'layer0' }];

interface Records {
  x: Float32Array;
  labels: Int32Array;
  split: Uint8Array;
  group: Int32Array;
}

/** Group g labels a record by the sign of its own random direction w_g · x (a different task per group). */
function makeRecords(): Records {
  const rng = new Rng(17);
  const n = GROUPS * PER_GROUP;
  const directions = Array.from({ length: GROUPS }, () => Array.from({ length: DIMS }, () => rng.normal()));
  const x = new Float32Array(n * DIMS);
  const labels = new Int32Array(n);
  const split = new Uint8Array(n);
  const group = Int32Array.from({ length: n }, (_, i) => i % GROUPS);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let d = 0; d < DIMS; d++) {
      const v = rng.normal();
      x[i * DIMS + d] = v;
      dot += v * directions[group[i]!]![d]!;
    }
    labels[i] = dot > 0 ? 1 : 0;
    const u = rng.next();
    split[i] = u < 0.6 ? 0 : u < 0.8 ? 1 : 2;
  }
  return { x, labels, split, group };
}

function writeStore(dir: string, rows: number[], all: Records, groups?: StoreGroups): void {
  const store = FeatureStore.open(dir, { write: true });
  try {
    const n = rows.length;
    store.initialize(
      {
        formatVersion: 1,
        id: 'grouped-bench',
        createdAt: '2026-01-01T00:00:00.000Z',
        model: { ref: 'builtin:synthetic', digest: 'model' },
        dataset: { ref: 'builtin:grouped-bench', digest: 'data', records: n, classNames: ['neg', 'pos'] },
        preprocessing: {},
        preprocessingDigest: 'pre',
        libraryVersions: {},
      },
      {
        labels: Int32Array.from(rows, (r) => all.labels[r]!),
        split: Uint8Array.from(rows, (r) => all.split[r]!),
        ids: rows.map(String),
      },
      ...(groups ? [groups] : []),
    );
    const values = new Float32Array(n * DIMS);
    rows.forEach((r, i) => values.set(all.x.subarray(r * DIMS, (r + 1) * DIMS), i * DIMS));
    store.beginFeatureSet({
      key: 'set0',
      layer: 'layer0',
      point: 'layer0',
      pooling: 'mean',
      dims: DIMS,
      dtype: 'float32',
      records: n,
      batchSize: n,
      batches: 1,
      complete: false,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    store.writeBatch(0, [{ key: 'set0', values, rows: n, dims: DIMS }]);
    store.completeFeatureSet('set0');
  } finally {
    store.close();
  }
}

const job = (storeDir: string, groups: boolean): TrainJob => ({
  storeDir,
  featureSets,
  heads: [HEAD],
  epochs: EPOCHS,
  workers: WORKERS,
  seed: 1,
  ...(groups ? { groups: true, minGroupRecords: 1 } : {}),
});

interface ChildReport {
  seconds: number;
  peakRssMiB: number;
  /** per group (g0…), test accuracy */
  accuracy: number[];
}

/** One variant, in this (child) process: its wall time, peak RSS and per-group test accuracies. */
async function child(mode: 'grouped' | 'tasks', root: string, out: string): Promise<void> {
  const started = performance.now();
  const accuracy: number[] = [];
  if (mode === 'grouped') {
    const outcome = await train(job(join(root, 'all'), true), {
      sink: () => {},
      runDir: join(root, 'run-grouped'),
    });
    for (const g of outcome.groups!.groups) accuracy[Number(g.name.slice(1))] = g.best.test!;
  } else {
    for (let g = 0; g < GROUPS; g++) {
      const outcome = await train(job(join(root, `g${g}`), false), {
        sink: () => {},
        runDir: join(root, `run-g${g}`),
      });
      accuracy[g] = outcome.best.testAccuracy!;
    }
  }
  const report: ChildReport = {
    seconds: (performance.now() - started) / 1000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    accuracy,
  };
  writeFileSync(out, JSON.stringify(report));
}

async function main(): Promise<void> {
  const [mode, root, out] = process.argv.slice(2);
  if (mode === 'grouped' || mode === 'tasks') return child(mode, root!, out!);
  const dir = mkdtempSync(join(tmpdir(), 'layerlab-grouped-bench-'));
  try {
    const all = makeRecords();
    const everyRow = Array.from({ length: all.labels.length }, (_, i) => i);
    writeStore(join(dir, 'all'), everyRow, all, {
      names: Array.from({ length: GROUPS }, (_, g) => `g${g}`),
      index: all.group,
    });
    for (let g = 0; g < GROUPS; g++)
      writeStore(
        join(dir, `g${g}`),
        everyRow.filter((r) => all.group[r] === g),
        all,
      );
    console.log(
      `${GROUPS} groups × ${PER_GROUP} records (60/20/20), D=${DIMS}, 1 linear head, ${EPOCHS} epochs, ${WORKERS} worker; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (cores: ${availableParallelism()})`,
    );
    const reports: Record<string, ChildReport> = {};
    for (const variant of ['grouped', 'tasks'] as const) {
      const out = join(dir, `${variant}.json`);
      const run = await runBenchScript('grouped-training.js', [variant, dir, out]);
      const report = readJsonIfAny<ChildReport>(out);
      if (run.code !== 0 || !report) throw new Error(`the ${variant} run failed (exit ${run.code})`);
      reports[variant] = report;
    }
    const grouped = reports.grouped!;
    const tasks = reports.tasks!;
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const worstGap = Math.max(...grouped.accuracy.map((a, g) => Math.abs(a - tasks.accuracy[g]!)));
    const speedRatio = tasks.seconds / grouped.seconds;
    console.log(
      `grouped (one scan, + shared head): ${grouped.seconds.toFixed(2)} s, peak RSS ${grouped.peakRssMiB.toFixed(0)} MiB, mean test accuracy ${mean(grouped.accuracy).toFixed(4)}\n` +
        `tasks (one train per group):      ${tasks.seconds.toFixed(2)} s, peak RSS ${tasks.peakRssMiB.toFixed(0)} MiB, mean test accuracy ${mean(tasks.accuracy).toFixed(4)}\n` +
        `largest per-group test accuracy difference: ${worstGap.toFixed(4)}\n` +
        `speed ratio tasks ÷ grouped: ${speedRatio.toFixed(2)}× (target ≥ 4×); peak RSS ratio grouped ÷ tasks: ${(grouped.peakRssMiB / tasks.peakRssMiB).toFixed(2)}`,
    );
    recordResult('grouped-training', {
      machine: { cores: availableParallelism(), loadAverage: loadavg() },
      setup: {
        groups: GROUPS,
        recordsPerGroup: PER_GROUP,
        dims: DIMS,
        epochs: EPOCHS,
        workers: WORKERS,
        head: HEAD,
      },
      groupedSeconds: round(grouped.seconds),
      tasksSeconds: round(tasks.seconds),
      groupedPeakRssMiB: round(grouped.peakRssMiB, 0),
      tasksPeakRssMiB: round(tasks.peakRssMiB, 0),
      meanTestAccuracy: { grouped: round(mean(grouped.accuracy), 4), tasks: round(mean(tasks.accuracy), 4) },
      worstAccuracyGap: round(worstGap, 4),
      ratios: {
        speed: round(speedRatio),
        peakRss: round(grouped.peakRssMiB / tasks.peakRssMiB),
      },
      target: 'speed ratio ≥ 4× at equal per-group accuracy (Kingpin: 4–14×)',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
