/**
 * MOP scaling: the same job (16 logistic-regression heads on each of two 512-wide layers: two fused
 * groups, whatever the number of workers) trained with 1 worker and with 2 workers (one data shard
 * each, the groups hopping between them), in one process, interleaved round after round. Prints the throughput of the training epochs (training
 * and validation) in examples × models per second and the ratio, from the fastest round of each (other
 * processes on a shared machine only ever add time) with the median beside it.
 * Run: npm run build && node dist/bench/train-workers.js [--rounds 6]
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createBenchStore, linearHeads, recordResult } from './train-bench-store.js';
import { round, timedTrain } from './train-timing.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '6' } } });
const ROUNDS = Number(values.rounds);
const RECORDS = 30_000;
const DIMS = 512;
const EPOCHS = 4;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

console.log(`load average at start: ${load()} (cores: ${availableParallelism()})`);
const store = createBenchStore({ records: RECORDS, dims: DIMS, classes: 10, sets: 2 });
const trainRows = RECORDS * 0.8;
try {
  const job = (workers: number) => ({
    storeDir: store.dir,
    featureSets: store.featureSets,
    heads: linearHeads(16),
    epochs: EPOCHS,
    workers,
    seed: 1,
  });
  // all epochs, and the epochs after the first (sessions built, shard memory touched)
  const all: Record<number, number[]> = { 1: [], 2: [] };
  const steady: Record<number, number[]> = { 1: [], 2: [] };
  const rate = (n: number) => Math.round(n).toLocaleString('en');
  for (let r = 0; r < ROUNDS; r++) {
    for (const workers of r % 2 === 0 ? [1, 2] : [2, 1]) {
      const run = await timedTrain(job(workers), trainRows);
      all[workers]!.push(run.exampleModels / run.epochSeconds);
      steady[workers]!.push(run.steadyExampleModels / run.steadySeconds);
    }
    console.log(
      `round ${r + 1}: 1 worker ${rate(all[1]!.at(-1)!)} (steady ${rate(steady[1]!.at(-1)!)}), ` +
        `2 workers ${rate(all[2]!.at(-1)!)} (steady ${rate(steady[2]!.at(-1)!)}) examples×models/s`,
    );
  }
  const ratios = (t: Record<number, number[]>) => ({
    best: Math.max(...t[2]!) / Math.max(...t[1]!),
    median: median(t[2]!) / median(t[1]!),
  });
  const allRatio = ratios(all);
  const steadyRatio = ratios(steady);
  const best = { 1: Math.max(...all[1]!), 2: Math.max(...all[2]!) };
  const ratio = allRatio.best;
  const medianRatio = allRatio.median;
  console.log(
    `\n2 workers vs 1 worker, all ${EPOCHS} epochs: ${allRatio.best.toFixed(2)}× (fastest rounds; median ${allRatio.median.toFixed(2)}×)` +
      `\n2 workers vs 1 worker, epochs 2–${EPOCHS}: ${steadyRatio.best.toFixed(2)}× (fastest rounds; median ${steadyRatio.median.toFixed(2)}×)` +
      `\nTarget ≥ 1.7× on 2 cores. Load average at end: ${load()}`,
  );
  recordResult('train-workers', {
    machine: { cores: availableParallelism(), loadAverage: loadavg() },
    setup: {
      records: RECORDS,
      trainRows,
      dims: DIMS,
      classes: 10,
      heads: 16,
      epochs: EPOCHS,
      batchSize: 256,
      rounds: ROUNDS,
    },
    throughput: { workers1: Math.round(best[1]), workers2: Math.round(best[2]) },
    ratio: round(ratio),
    medianRatio: round(medianRatio),
    steadyState: {
      throughput: {
        workers1: Math.round(Math.max(...steady[1]!)),
        workers2: Math.round(Math.max(...steady[2]!)),
      },
      ratio: round(steadyRatio.best),
      medianRatio: round(steadyRatio.median),
    },
  });
} finally {
  store.remove();
}
