/**
 * MOP scaling: the same job (16 fused logistic-regression heads on one 512-wide layer) trained with 1
 * worker and with 2 workers (one data shard each; the group is split in two so both cores work), in
 * one process, interleaved round after round. Prints the throughput of the training epochs (training
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
const EPOCHS = 2;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

console.log(`load average at start: ${load()} (cores: ${availableParallelism()})`);
const store = createBenchStore({ records: RECORDS, dims: DIMS, classes: 10 });
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
  const throughput: Record<number, number[]> = { 1: [], 2: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const workers of r % 2 === 0 ? [1, 2] : [2, 1]) {
      const run = await timedTrain(job(workers), trainRows);
      throughput[workers]!.push(run.exampleModels / run.epochSeconds);
    }
    console.log(
      `round ${r + 1}: 1 worker ${Math.round(throughput[1]!.at(-1)!).toLocaleString('en')}, ` +
        `2 workers ${Math.round(throughput[2]!.at(-1)!).toLocaleString('en')} examples×models/s`,
    );
  }
  const best = { 1: Math.max(...throughput[1]!), 2: Math.max(...throughput[2]!) };
  const ratio = best[2] / best[1];
  const medianRatio = median(throughput[2]!) / median(throughput[1]!);
  console.log(
    `\n2 workers vs 1 worker: ${ratio.toFixed(2)}× throughput, fastest rounds ` +
      `(${Math.round(best[2]).toLocaleString('en')} vs ${Math.round(best[1]).toLocaleString('en')} examples×models/s); ` +
      `median ${medianRatio.toFixed(2)}×. Target ≥ 1.7× on 2 cores. Load average at end: ${load()}`,
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
  });
} finally {
  store.remove();
}
