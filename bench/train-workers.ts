/**
 * MOP scaling: the same job (16 fused logistic-regression heads, one layer) trained with 1 worker and
 * with 2 workers (one data shard each, the group split in two so both cores work), in one process.
 * Prints the throughput of the training epochs in examples × models per second, and the ratio.
 * Run: npm run build && node dist/bench/train-workers.js
 */
import { availableParallelism } from 'node:os';
import { createBenchStore, linearHeads, recordResult } from './train-bench-store.js';
import { round, timedTrain } from './train-timing.js';

const RECORDS = 50_000;
const DIMS = 512;
const EPOCHS = 4;
const REPEATS = 2;

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
  const best: Record<number, number> = { 1: 0, 2: 0 };
  for (let r = 0; r < REPEATS; r++) {
    for (const workers of [1, 2]) {
      const run = await timedTrain(job(workers), trainRows);
      const throughput = run.exampleModels / run.epochSeconds;
      best[workers] = Math.max(best[workers]!, throughput);
      console.log(
        `workers=${workers}  epochs ${run.epochSeconds.toFixed(2)} s  ` +
          `${Math.round(throughput).toLocaleString('en')} examples×models/s  (whole run ${run.totalSeconds.toFixed(2)} s)`,
      );
    }
  }
  const ratio = best[2]! / best[1]!;
  console.log(
    `\n2 workers vs 1 worker: ${ratio.toFixed(2)}× throughput (target ≥ 1.7× on 2 cores; cores here: ${availableParallelism()})`,
  );
  recordResult('train-workers', {
    machine: { cores: availableParallelism() },
    setup: {
      records: RECORDS,
      trainRows,
      dims: DIMS,
      classes: 10,
      heads: 16,
      epochs: EPOCHS,
      batchSize: 256,
      repeats: REPEATS,
    },
    throughput: { workers1: Math.round(best[1]!), workers2: Math.round(best[2]!) },
    ratio: round(ratio),
  });
} finally {
  store.remove();
}
