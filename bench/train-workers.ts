/**
 * MOP scaling: the same job (16 logistic-regression heads on each of two 512-wide layers: two fused
 * groups, whatever the number of workers) trained with 1 worker and with 2 workers (one data shard
 * each, the groups hopping between them), in one process, interleaved round after round. Prints the
 * throughput of the training epochs (training and validation) in examples × models per second and
 * the ratio two ways: the median of the rounds' own ratios (each round measures both back to back, so
 * the machine's slow swings in speed cancel), and from the fastest round of each (other processes on
 * a shared machine only ever add time).
 * Each round also measures the machine's own ceiling (StepCeiling: the same step graph on one thread,
 * then on two at once, with nothing between them), and the ratio of the two ratios is MOP's
 * efficiency: what the scheduler, the hops, the checkpoints and validation cost, apart from what the
 * cores give.
 * Run: npm run build && node dist/bench/train-workers.js [--rounds 6]
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createBenchStore, linearHeads, recordResult } from './train-bench-store.js';
import { StepCeiling } from './step-ceiling.js';
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
const ceiling = await StepCeiling.start({
  rows: trainRows,
  dims: DIMS,
  classes: 10,
  heads: 16,
  batchSize: 256,
  groups: 2,
});
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
  const machine: Record<number, number[]> = { 1: [], 2: [] };
  const rate = (n: number) => Math.round(n).toLocaleString('en');
  for (let r = 0; r < ROUNDS; r++) {
    for (const workers of r % 2 === 0 ? [1, 2] : [2, 1]) {
      const run = await timedTrain(job(workers), trainRows);
      all[workers]!.push(run.exampleModels / run.epochSeconds);
      steady[workers]!.push(run.steadyExampleModels / run.steadySeconds);
    }
    const step = await ceiling.measure(trainRows);
    machine[1]!.push(step.one);
    machine[2]!.push(step.two);
    console.log(
      `round ${r + 1}: 1 worker ${rate(all[1]!.at(-1)!)} (steady ${rate(steady[1]!.at(-1)!)}), ` +
        `2 workers ${rate(all[2]!.at(-1)!)} (steady ${rate(steady[2]!.at(-1)!)}) examples×models/s; ` +
        `step graph alone ${(machine[2]!.at(-1)! / machine[1]!.at(-1)!).toFixed(2)}× on 2 threads`,
    );
  }
  const ratios = (t: Record<number, number[]>) => ({
    best: Math.max(...t[2]!) / Math.max(...t[1]!),
    median: median(t[2]!.map((two, i) => two / t[1]![i]!)),
  });
  const allRatio = ratios(all);
  const steadyRatio = ratios(steady);
  const machineRatio = ratios(machine);
  const line = (what: string, r: { best: number; median: number }) =>
    `${what}: ${r.median.toFixed(2)}× (median of the rounds' ratios; fastest rounds ${r.best.toFixed(2)}×)`;
  console.log(
    [
      '',
      line(`2 workers vs 1 worker, all ${EPOCHS} epochs`, allRatio),
      line(`2 workers vs 1 worker, epochs 2–${EPOCHS}`, steadyRatio),
      line("the step graph alone, 2 threads vs 1 (this machine's ceiling)", machineRatio),
      `MOP efficiency (epochs 2–${EPOCHS} ÷ ceiling): ${(steadyRatio.median / machineRatio.median).toFixed(2)}` +
        ` from the medians, ${(steadyRatio.best / machineRatio.best).toFixed(2)} from the fastest rounds`,
      `Target ≥ 1.7× on 2 cores. Load average at end: ${load()}`,
    ].join('\n'),
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
    target: '≥ 1.7× on 2 cores',
    // the median of the rounds' own ratios (robust to the machine's drift); the fastest rounds beside it
    ratio: round(allRatio.median),
    fastestRoundsRatio: round(allRatio.best),
    throughput: {
      workers1: Math.round(Math.max(...all[1]!)),
      workers2: Math.round(Math.max(...all[2]!)),
    },
    steadyState: {
      ratio: round(steadyRatio.median),
      fastestRoundsRatio: round(steadyRatio.best),
    },
    stepCeiling: {
      ratio: round(machineRatio.median),
      fastestRoundsRatio: round(machineRatio.best),
      rowsPerSecond: {
        threads1: Math.round(Math.max(...machine[1]!)),
        threads2: Math.round(Math.max(...machine[2]!)),
      },
    },
    mopEfficiencyRatio: round(steadyRatio.median / machineRatio.median),
    rounds: {
      workers1: all[1]!.map(Math.round),
      workers2: all[2]!.map(Math.round),
      stepThreads1: machine[1]!.map(Math.round),
      stepThreads2: machine[2]!.map(Math.round),
    },
  });
} finally {
  await ceiling.close();
  store.remove();
}
