/**
 * Fusion (Nautilus, SIGMOD 2022): 16 logistic-regression heads on one layer trained as one fused
 * group, against the same 16 heads trained one by one, measured three ways in one process:
 *   runs:  one `train` job of 16 heads vs 16 jobs of one head (each reads the store, starts its
 *          worker, validates and tests on its own: what training heads one at a time costs);
 *   groups: one job, fusion on vs off (every head its own group: same job, same worker);
 *   steps: the training-step graphs alone on one shard (one fused run vs 16 single-head runs).
 * At two feature widths (a narrow CNN layer and a wide embedding). 1 worker throughout.
 * Run: npm run build && node dist/bench/train-fusion.js
 */
import { availableParallelism, loadavg } from 'node:os';
import { enumerateModels, fuseGroups } from '../src/train/mop/fused-groups.js';
import { groupHyper } from '../src/train/heads/group-hyper.js';
import { groupRun } from '../src/train/mop/group-run.js';
import { headArch } from '../src/train/heads/head-arch.js';
import { initialModelState, packStack } from '../src/train/heads/head-state.js';
import { prepareRun } from '../src/train/mop/prepare-run.js';
import { ShardRuntime } from '../src/train/worker/shard-runtime.js';
import { shardInits } from '../src/train/mop/train.js';
import { createBenchStore, linearHeads, recordResult } from './train-bench-store.js';
import { round, timedTrain } from './train-timing.js';

const RECORDS = 20_000;
const EPOCHS = 3;
const HEADS = 16;

async function stepRatio(storeDir: string, featureSets: { key: string; layer: string }[]): Promise<number> {
  const job = { storeDir, featureSets, workers: 1, seed: 1 };
  const prepared = prepareRun(job);
  const runtime = ShardRuntime.open(shardInits(job, prepared)[0]!);
  const dims = prepared.featureSets[0]!.dims;
  const models = enumerateModels(featureSets, linearHeads(HEADS));
  const options = { workers: 1, dims: () => dims, classes: prepared.classes };
  const time = async (maxGroupBytes: number) => {
    const groups = fuseGroups(models, { ...options, maxGroupBytes });
    const started = performance.now();
    for (const group of groups) {
      const state = packStack(
        0,
        group.models.map((id) =>
          initialModelState(headArch(models[Number(id.slice(1))]!.head), dims, prepared.classes, 1, id),
        ),
      );
      await runtime.train(
        1,
        256,
        groupRun(group),
        state,
        groupHyper(group, (_, h) => h.lr, prepared.balancedWeights),
      );
    }
    return (performance.now() - started) / 1000;
  };
  try {
    await time(Infinity); // build and warm both sessions
    await time(1);
    let fused = Infinity;
    let alone = Infinity;
    for (let r = 0; r < 3; r++) {
      fused = Math.min(fused, await time(Infinity));
      alone = Math.min(alone, await time(1));
    }
    return alone / fused;
  } finally {
    await runtime.release();
  }
}

const results: Record<string, unknown>[] = [];
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (cores: ${availableParallelism()})`,
);
for (const dims of [64, 512]) {
  const store = createBenchStore({ records: RECORDS, dims, classes: 10 });
  const trainRows = RECORDS * 0.8;
  try {
    const base = { storeDir: store.dir, featureSets: store.featureSets, epochs: EPOCHS, workers: 1, seed: 1 };
    const fused = await timedTrain({ ...base, heads: linearHeads(HEADS) }, trainRows);
    let oneByOne = 0;
    for (const head of linearHeads(HEADS))
      oneByOne += (await timedTrain({ ...base, heads: [head] }, trainRows)).totalSeconds;
    const unfused = await timedTrain({ ...base, heads: linearHeads(HEADS), maxGroupBytes: 1 }, trainRows);
    const runs = oneByOne / fused.totalSeconds;
    const groups = unfused.epochSeconds / fused.epochSeconds;
    const steps = await stepRatio(store.dir, store.featureSets);
    console.log(
      `\nD=${dims}: 16 fused heads, one job: ${fused.totalSeconds.toFixed(2)} s (epochs ${fused.epochSeconds.toFixed(2)} s)\n` +
        `  vs 16 jobs of one head:       ${oneByOne.toFixed(2)} s  → ${runs.toFixed(2)}× (runs)\n` +
        `  vs one job, fusion off:       epochs ${unfused.epochSeconds.toFixed(2)} s → ${groups.toFixed(2)}× (groups)\n` +
        `  training-step graphs only:    ${steps.toFixed(2)}× (steps)`,
    );
    results.push({
      dims,
      fusedSeconds: round(fused.totalSeconds),
      fusedEpochSeconds: round(fused.epochSeconds),
      oneByOneSeconds: round(oneByOne),
      unfusedEpochSeconds: round(unfused.epochSeconds),
      ratios: { runs: round(runs), groups: round(groups), steps: round(steps) },
    });
  } finally {
    store.remove();
  }
}
console.log(
  `\nload average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}  (target: ≥ 5× for 16 fused heads vs one by one)`,
);
recordResult('train-fusion', {
  machine: { cores: availableParallelism(), loadAverage: loadavg() },
  setup: {
    records: RECORDS,
    trainRows: RECORDS * 0.8,
    classes: 10,
    heads: HEADS,
    epochs: EPOCHS,
    batchSize: 256,
    workers: 1,
  },
  results,
});
