/**
 * Calibrates the planner's unit-cost model (src/train/mop/unit-cost.ts): the fused training step of K
 * logistic-regression heads (K = 1, 2, 4, 8, 16) over the same rows on one thread, the fastest of
 * several repeats per K, fitted by least squares to `step = fixed + K × per head`. Prints the fixed
 * part in multiply-adds (what STEP_OVERHEAD should be) and what cutting a group of 8 heads in two
 * costs, measured (two 4-head steps ÷ one 8-head step) and as the model predicts it.
 * Run: npm run build && node dist/bench/step-cost.js [--dims 512] [--repeats 9] [--quick]
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/random.js';
import type { GroupState, HyperValues } from '../src/train/heads/group-state.js';
import { headArch, headFlops } from '../src/train/heads/head-arch.js';
import { resolveHead } from '../src/train/heads/head-config.js';
import { buildTrainGraph } from '../src/train/heads/head-graph.js';
import { initialModelState, packStack } from '../src/train/heads/head-state.js';
import { createHeadSession } from '../src/train/heads/ort-session.js';
import { runTrainUnit } from '../src/train/worker/unit-runner.js';
import { STEP_OVERHEAD } from '../src/train/mop/unit-cost.js';
import { linearHeads, recordResult } from './train-bench-store.js';
import { round } from './train-timing.js';

const { values } = parseArgs({
  options: {
    dims: { type: 'string', default: '512' },
    repeats: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const DIMS = Number(values.dims);
const REPEATS = Number(values.repeats ?? (values.quick ? 3 : 9));
const CLASSES = 10;
const BATCH = 256;
const ROWS = values.quick ? 2_560 : 10_240;
const HEADS = [1, 2, 4, 8, 16];
const STEPS = Math.ceil(ROWS / BATCH);

const rng = new Rng(7);
const x = Float32Array.from({ length: ROWS * DIMS }, () => rng.normal());
const y = BigInt64Array.from({ length: ROWS }, () => BigInt(rng.int(CLASSES)));

/** The fastest of REPEATS runs of one unit over ROWS rows, per step, in microseconds. */
async function stepMicros(heads: number): Promise<number> {
  const resolved = linearHeads(heads, BATCH).map(resolveHead);
  const arch = headArch(resolved[0]!);
  const session = await createHeadSession(buildTrainGraph({ dims: DIMS, classes: CLASSES, stacks: [arch] }));
  const column = (v: number[]) => ({ dims: [v.length, 1, 1], data: Float32Array.from(v) });
  const hyper: HyperValues = {
    's0/lr': column(resolved.map((h) => h.lr)),
    's0/l2': column(resolved.map((h) => h.l2)),
    's0/momentum': column(resolved.map((h) => h.momentum)),
    's0/cw': { dims: [heads, CLASSES, 1], data: new Float32Array(heads * CLASSES).fill(1) },
  };
  let state: GroupState = packStack(
    0,
    resolved.map((_, k) => initialModelState(arch, DIMS, CLASSES, 1, `m${k}`)),
  );
  const stacks = [{ arch, models: resolved.map((_, k) => `m${k}`), dropout: resolved.map(() => 0) }];
  let best = Infinity;
  for (let r = 0; r <= REPEATS; r++) {
    const started = performance.now();
    const result = await runTrainUnit(
      session,
      { dims: DIMS, count: ROWS, x, y },
      BATCH,
      stacks,
      state,
      hyper,
      {
        seed: 1,
        epoch: 1,
        shard: 0,
      },
    );
    state = result.state;
    if (r > 0) best = Math.min(best, ((performance.now() - started) * 1000) / STEPS); // r = 0 warms up
  }
  await session.release();
  return best;
}

console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (cores: ${availableParallelism()}); ${DIMS} dims, ${CLASSES} classes, batch ${BATCH}`,
);
const micros: number[] = [];
for (const heads of HEADS) {
  micros.push(await stepMicros(heads));
  console.log(`${String(heads).padStart(2)} heads: ${micros.at(-1)!.toFixed(0)} µs per step`);
}
// least squares: micros = fixed + heads × perHead
const n = HEADS.length;
const meanK = HEADS.reduce((a, b) => a + b, 0) / n;
const meanT = micros.reduce((a, b) => a + b, 0) / n;
const perHead =
  HEADS.reduce((s, k, i) => s + (k - meanK) * (micros[i]! - meanT), 0) /
  HEADS.reduce((s, k) => s + (k - meanK) ** 2, 0);
const fixed = meanT - perHead * meanK;
const headMacs = BATCH * headFlops(headArch(resolveHead(linearHeads(1, BATCH)[0]!)), DIMS, CLASSES);
const fixedMacs = (fixed / perHead) * headMacs;
const at = (k: number) => micros[HEADS.indexOf(k)]!;
const measuredSplit = (2 * at(4)) / at(8);
const modelSplit = (2 * (STEP_OVERHEAD + 4 * headMacs)) / (STEP_OVERHEAD + 8 * headMacs);
console.log(
  [
    '',
    `fit: step = ${fixed.toFixed(0)} µs + heads × ${perHead.toFixed(0)} µs ` +
      `(${((headMacs / perHead) * 1e-3).toFixed(1)} G multiply-adds/s per head)`,
    `fixed part in multiply-adds: ${(fixedMacs / 1e6).toFixed(1)} M (STEP_OVERHEAD is ${(STEP_OVERHEAD / 1e6).toFixed(1)} M)`,
    `8 heads cut in two (two 4-head steps ÷ one 8-head step): measured ${measuredSplit.toFixed(2)}×, ` +
      `the cost model ${modelSplit.toFixed(2)}× (per step)`,
  ].join('\n'),
);
recordResult(values.quick ? 'quick/step-cost' : 'step-cost', {
  machine: { cores: availableParallelism(), loadAverage: loadavg() },
  setup: { dims: DIMS, classes: CLASSES, batchSize: BATCH, rows: ROWS, repeats: REPEATS },
  microsPerStep: Object.fromEntries(HEADS.map((k, i) => [k, round(micros[i]!, 1)])),
  fit: {
    fixedMicros: round(fixed, 1),
    perHeadMicros: round(perHead, 1),
    fixedMultiplyAdds: Math.round(fixedMacs),
  },
  stepOverheadConstant: STEP_OVERHEAD,
  splitCostRatio: { measured: round(measuredSplit), model: round(modelSplit) },
});
