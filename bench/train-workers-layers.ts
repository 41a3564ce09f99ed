/**
 * MOP scaling by the number of fused groups: for 1, 2, 3, 5 and 8 layers × 8 logistic-regression
 * heads (one fused group per layer before any split), the same job trained with 1 worker and with 2,
 * interleaved round after round, and the step graph's own 2-thread ceiling (StepCeiling: one fused
 * group per layer, on one thread, then each thread taking half the rows) measured in the same rounds.
 * Per count it prints the 2-worker ÷ 1-worker ratio of the epochs after the first (the median of the
 * rounds' own ratios), the ceiling, and their quotient, MOP's efficiency (target ≥ 0.9); beside it the
 * median of each round's ratio ÷ that round's ceiling ("paired"), steadier when other jobs load the
 * machine unevenly over the run.
 * Beside them, what the planner predicts in virtual time (deterministic): the 1-worker plan's
 * makespan ÷ the 2-worker plan's, with the groups cut for the makespan and with the old rule (cut only
 * when there are fewer groups than workers), the packing (lower bound ÷ planned makespan) and the
 * pieces chosen per epoch; and the predicted ratios' mean and worst over seeds 1–20.
 * Where the planner cuts every group into the same number of pieces in every epoch (1 layer: one
 * group of 8 cut in 2), it also measures the split ceiling: the step graph cut into those pieces on
 * two threads, ÷ the whole group on one. A group's updates are sequential SGD, so it can run on one
 * worker at a time and two workers only get two things to do by training smaller pieces; each piece
 * pays the step's fixed cost again. The split ceiling ÷ the ceiling is therefore the most efficiency
 * MOP can reach at that count (printed as the bound), and MOP's ratio ÷ the split ceiling says what
 * the scheduler itself costs there.
 * Both ceilings read their rows in a shuffled order, as MOP's units do, and are measured over the
 * rows of the steady epochs (epochs − 1 passes) per round.
 * Run: npm run build && node dist/bench/train-workers-layers.js [--rounds 3] [--layers 1,2,3,5,8] [--quick]
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { predictScaling } from './harness/predicted-makespan.js';
import { StepCeiling } from './step-ceiling.js';
import { createBenchStore, linearHeads, recordResult } from './train-bench-store.js';
import { round, timedTrain } from './train-timing.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string' },
    layers: { type: 'string', default: '1,2,3,5,8' },
    quick: { type: 'boolean', default: false },
  },
});
const QUICK = values.quick;
const ROUNDS = Number(values.rounds ?? (QUICK ? 1 : 3));
const LAYERS = values.layers.split(',').map(Number);
const RECORDS = QUICK ? 10_000 : 20_000;
const DIMS = 512;
const CLASSES = 10;
const HEADS = 8;
const BATCH = 256;
const EPOCHS = 3;
const SEED = 1;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

console.log(
  `load average at start: ${load()} (cores: ${availableParallelism()}); ${RECORDS} records × ${DIMS} dims, ` +
    `${HEADS} heads per layer, ${EPOCHS} epochs, ${ROUNDS} round(s)`,
);
const trainRows = RECORDS * 0.8;
const results = [];
for (const layers of LAYERS) {
  const store = createBenchStore({ records: RECORDS, dims: DIMS, classes: CLASSES, sets: layers });
  const predicted = predictScaling({
    featureSets: store.featureSets,
    heads: linearHeads(HEADS, BATCH),
    dims: DIMS,
    classes: CLASSES,
    trainRows,
    epochs: EPOCHS,
    seed: SEED,
  });
  const ceilingSetup = { rows: trainRows, dims: DIMS, classes: CLASSES, batchSize: BATCH };
  const ceiling = await StepCeiling.start({ ...ceilingSetup, heads: HEADS, groups: layers });
  // every group cut into the same number of pieces in every epoch: measure the split ceiling
  const cut = predicted.pieces.flat();
  const uniform = cut.every((p) => p === cut[0]) && cut[0]! > 1 && HEADS % cut[0]! === 0 ? cut[0]! : 1;
  const pieceCeiling =
    uniform > 1
      ? await StepCeiling.start({
          ...ceilingSetup,
          heads: HEADS / uniform,
          groups: layers * uniform,
          piecesPerSet: uniform,
        })
      : undefined;
  try {
    const job = (workers: number) => ({
      storeDir: store.dir,
      featureSets: store.featureSets,
      heads: linearHeads(HEADS, BATCH),
      epochs: EPOCHS,
      workers,
      seed: SEED,
    });
    const steady: Record<number, number[]> = { 1: [], 2: [] };
    const machine: Record<number, number[]> = { 1: [], 2: [] };
    const splitTwo: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const workers of r % 2 === 0 ? [1, 2] : [2, 1]) {
        const run = await timedTrain(job(workers), trainRows);
        steady[workers]!.push(run.steadyExampleModels / run.steadySeconds);
      }
      const step = await ceiling.measure(trainRows, EPOCHS - 1);
      machine[1]!.push(step.one);
      machine[2]!.push(step.two);
      if (pieceCeiling) splitTwo.push(await pieceCeiling.measureTwo(trainRows, EPOCHS - 1));
    }
    const ratios = steady[2]!.map((two, i) => two / steady[1]![i]!);
    const ceilings = machine[2]!.map((two, i) => two / machine[1]![i]!);
    const ratio = median(ratios);
    const ceilingRatio = median(ceilings);
    // each round's ratio ÷ the ceiling measured right after it, then the median: pairs measurements
    // made close in time, so a load change between rounds (other jobs on the machine) cancels out
    const paired = median(ratios.map((r, i) => r / ceilings[i]!));
    const splitCeilingRatio = pieceCeiling
      ? median(splitTwo.map((two, i) => two / machine[1]![i]!))
      : ceilingRatio;
    // the same prediction over other seeds (each seed plans differently): the mean and the worst
    const overSeeds = Array.from({ length: 20 }, (_, i) =>
      predictScaling({
        featureSets: store.featureSets,
        heads: linearHeads(HEADS, BATCH),
        dims: DIMS,
        classes: CLASSES,
        trainRows,
        epochs: EPOCHS,
        seed: i + 1,
      }),
    );
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const seeds = {
      ratio: round(mean(overSeeds.map((p) => p.ratio))),
      worstRatio: round(Math.min(...overSeeds.map((p) => p.ratio))),
      oldRuleRatio: round(mean(overSeeds.map((p) => p.oldRuleRatio))),
      oldRuleWorstRatio: round(Math.min(...overSeeds.map((p) => p.oldRuleRatio))),
    };
    const result = {
      layers,
      ratio: round(ratio),
      ceilingRatio: round(ceilingRatio),
      // the efficiency: the fraction of the step graph's own 2-thread ceiling that MOP reached
      ceilingFraction: round(ratio / ceilingRatio),
      // the median of the rounds' own efficiencies (ratio ÷ ceiling of the same round)
      pairedEfficiency: round(paired),
      // the step graph cut as MOP must cut it, on two threads ÷ the whole group on one; ÷ the ceiling:
      // the most efficiency sequential-SGD semantics leave at this count (1 where nothing is cut)
      ...(pieceCeiling
        ? {
            split: {
              pieces: uniform,
              splitCeilingRatio: round(splitCeilingRatio),
              bound: round(splitCeilingRatio / ceilingRatio),
              fractionOfSplitCeiling: round(ratio / splitCeilingRatio),
            },
          }
        : {}),
      predicted: {
        ratio: round(predicted.ratio),
        idealFraction: round(predicted.ratio / 2),
        oldRuleRatio: round(predicted.oldRuleRatio),
        packingFraction: round(predicted.packing),
        pieces: predicted.pieces,
        seeds1to20: seeds,
      },
      rounds: {
        workers1: steady[1]!.map(Math.round),
        workers2: steady[2]!.map(Math.round),
        ceiling: ceilings.map((c) => round(c)),
        efficiency: ratios.map((r, i) => round(r / ceilings[i]!)),
        ...(pieceCeiling ? { splitCeiling: splitTwo.map((two, i) => round(two / machine[1]![i]!)) } : {}),
      },
    };
    results.push(result);
    console.log(
      `${layers} layer(s) × ${HEADS} heads: 2 workers ÷ 1 = ${ratio.toFixed(2)}×, step-graph ceiling ` +
        `${ceilingRatio.toFixed(2)}×, efficiency ${(ratio / ceilingRatio).toFixed(2)} (paired by round ${paired.toFixed(2)}); predicted ` +
        `${predicted.ratio.toFixed(2)}× (old rule ${predicted.oldRuleRatio.toFixed(2)}×), packing ` +
        `${predicted.packing.toFixed(2)}, pieces per epoch ${predicted.pieces.map((p) => p.join('')).join(' ')}; ` +
        `predicted over seeds 1–20: mean ${seeds.ratio.toFixed(2)}× (old rule ${seeds.oldRuleRatio.toFixed(2)}×), ` +
        `worst ${seeds.worstRatio.toFixed(2)}× (old rule ${seeds.oldRuleWorstRatio.toFixed(2)}×)`,
    );
    if (pieceCeiling)
      console.log(
        `  one group per layer runs on one worker at a time (sequential SGD), so it is cut into ${uniform} pieces of ` +
          `${HEADS / uniform} heads; the step graph so cut reaches ${splitCeilingRatio.toFixed(2)}× on two threads, ` +
          `so efficiency is bounded by ${(splitCeilingRatio / ceilingRatio).toFixed(2)} here; MOP reached ` +
          `${(ratio / splitCeilingRatio).toFixed(2)} of that split ceiling`,
      );
  } finally {
    await ceiling.close();
    await pieceCeiling?.close();
    store.remove();
  }
}
console.log(
  [
    '',
    'layers  ratio  ceiling  efficiency  paired  bound  predicted (old rule)  predicted ÷ 2  packing',
    ...results.map(
      (r) =>
        `${String(r.layers).padStart(6)}  ${r.ratio.toFixed(2).padStart(5)}  ${r.ceilingRatio.toFixed(2).padStart(7)}  ` +
        `${r.ceilingFraction.toFixed(2).padStart(10)}  ${r.pairedEfficiency.toFixed(2).padStart(6)}  ${(r.split?.bound ?? 1).toFixed(2).padStart(5)}  ${r.predicted.ratio.toFixed(2).padStart(9)} (${r.predicted.oldRuleRatio.toFixed(2)})` +
        `${r.predicted.idealFraction.toFixed(2).padStart(18)}  ${r.predicted.packingFraction.toFixed(2).padStart(7)}`,
    ),
    '',
    "paired: the median over rounds of each round's ratio ÷ the ceiling measured in that round (load drift cancels)",
    'bound: the most efficiency a count allows when its groups must be cut (split ceiling ÷ ceiling; 1: nothing cut)',
    `Target: efficiency ≥ 0.9 for every count. Load average at end: ${load()}`,
  ].join('\n'),
);
recordResult(QUICK ? 'quick/train-workers-layers' : 'train-workers-layers', {
  machine: { cores: availableParallelism(), loadAverage: loadavg() },
  setup: {
    records: RECORDS,
    trainRows,
    dims: DIMS,
    classes: CLASSES,
    heads: HEADS,
    epochs: EPOCHS,
    rounds: ROUNDS,
  },
  target: 'efficiency (2 workers ÷ 1 worker, ÷ the step-graph ceiling) ≥ 0.9 for every layer count',
  layers: results,
});
