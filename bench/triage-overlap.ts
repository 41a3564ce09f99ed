/**
 * `train --triage K` starts its shard worker threads before it scores layers, so their start-up
 * (Node, ONNX Runtime, LMDB modules) overlaps triage. This measures, in fresh processes alternated
 * one by one, the time from triage's start to a ready shard pool with the threads spawned before
 * triage ("early", what `train` does) and after it ("late", as before), on the demo's store
 * (6 layers, keep 3, 2 workers), and prints early ÷ late of the medians. Each child measures once,
 * because ONNX Runtime's environment is created once per process. Writes bench/results/triage-overlap.json.
 *
 *   npm run build && node dist/bench/triage-overlap.js [--quick]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/core/paths.js';
import { FeatureStore } from '../src/store/feature-store.js';
import { prepareRun } from '../src/train/mop/prepare-run.js';
import { shardInits } from '../src/train/mop/train.js';
import { selectFeatureSets } from '../src/train/search/select-feature-sets.js';
import { triageFeatureSets } from '../src/train/search/triage-sets.js';
import { SpawnedWorkers, WorkerPool } from '../src/train/worker/worker-pool.js';
import { writeResults } from './harness/results-file.js';

const WORKERS = 2;
const KEEP = 3;

interface Sample {
  mode: 'early' | 'late';
  /** triage's own seconds (slower when threads start beside it on few cores) */
  triage: number;
  /** triage's start → every shard worker ready */
  total: number;
}

async function measureOnce(mode: 'early' | 'late', storeDir: string): Promise<Sample> {
  const store = FeatureStore.open(storeDir, { write: false });
  const selected = selectFeatureSets(store.featureSets(), []);
  store.close();
  const t0 = performance.now();
  const spawned = mode === 'early' ? await SpawnedWorkers.spawn(WORKERS) : undefined;
  const t1 = performance.now();
  const { kept } = triageFeatureSets(storeDir, selected, { keep: KEEP });
  const t2 = performance.now();
  const job = { storeDir, featureSets: kept, workers: WORKERS, seed: 1 };
  const pool = await WorkerPool.start(shardInits(job, prepareRun(job)), () => {}, spawned);
  const t3 = performance.now();
  await pool.stop();
  return { mode, triage: (t2 - t1) / 1000, total: (t3 - t0) / 1000 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    child: { type: 'string' },
    store: { type: 'string' },
  },
});

if (values.child) {
  const sample = await measureOnce(values.child as 'early' | 'late', values.store!);
  process.stdout.write(`${JSON.stringify(sample)}\n`);
} else {
  const rounds = values.quick ? 2 : 5;
  const home = mkdtempSync(join(tmpdir(), 'layerlab-triage-overlap-'));
  try {
    const cli = join(packageRoot(), 'bin', 'layerlab.js');
    execFileSync(process.execPath, [cli, '--home', home, 'demo', '--json', '--epochs', '1'], {
      stdio: 'ignore',
    });
    const storeDir = join(home, 'stores', readdirSync(join(home, 'stores'))[0]!);
    const samples: Sample[] = [];
    for (let i = 0; i < rounds; i++)
      for (const mode of ['late', 'early'] as const) {
        const out = execFileSync(process.execPath, [
          new URL(import.meta.url).pathname,
          '--child',
          mode,
          '--store',
          storeDir,
        ]);
        samples.push(JSON.parse(out.toString().trim().split('\n').at(-1)!) as Sample);
      }
    const of = (mode: Sample['mode'], key: 'triage' | 'total') =>
      median(samples.filter((s) => s.mode === mode).map((s) => s[key]));
    const early = { triage: of('early', 'triage'), total: of('early', 'total') };
    const late = { triage: of('late', 'triage'), total: of('late', 'total') };
    const ratio = early.total / late.total;
    console.log(
      `triage start → shard pool ready (median of ${rounds}, ${WORKERS} workers, keep ${KEEP} of the demo's layers):`,
    );
    console.log(
      `  threads spawned after triage  ${late.total.toFixed(3)} s (triage ${late.triage.toFixed(3)} s)`,
    );
    console.log(
      `  threads spawned before triage ${early.total.toFixed(3)} s (triage ${early.triage.toFixed(3)} s)`,
    );
    console.log(`  early ÷ late: ${ratio.toFixed(2)}`);
    const path = writeResults('triage-overlap', values.quick, {
      workers: WORKERS,
      keep: KEEP,
      rounds,
      medianSeconds: { early, late },
      earlyOverLateRatio: ratio,
      samples,
    });
    console.log(`written to ${path}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
