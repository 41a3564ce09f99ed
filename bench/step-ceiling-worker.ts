/**
 * A thread of the step-ceiling measurement: the training-step graph of one fused group of K
 * logistic-regression heads, run by the real unit runner over rows this thread made itself, read in
 * a shuffled order as a MOP unit reads its shard (each batch gathered from the epoch's order, which
 * is part of the step's memory traffic). Nothing else: no store, no scheduler, no state moving
 * between threads, no checkpoints, no validation.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '../src/core/random.js';
import { headArch } from '../src/train/heads/head-arch.js';
import { buildTrainGraph } from '../src/train/heads/head-graph.js';
import { initialModelState, packStack } from '../src/train/heads/head-state.js';
import { createHeadSession } from '../src/train/heads/ort-session.js';
import type { GroupState, HyperValues } from '../src/train/heads/group-state.js';
import { resolveHead } from '../src/train/heads/head-config.js';
import { runTrainUnit } from '../src/train/worker/unit-runner.js';
import { epochOrder } from '../src/train/worker/sharding.js';
import type { UnitRows } from '../src/train/worker/shard-data.js';
import { linearHeads } from './train-bench-store.js';

export interface StepCeilingSetup {
  rows: number;
  dims: number;
  classes: number;
  heads: number;
  batchSize: number;
  /** groups trained one after the other per request (the MOP job's fused groups) */
  groups: number;
  /**
   * consecutive groups that are pieces of one group, reading one feature set (default 1): as a shard
   * worker does in the steady epochs, the first gathers its batches into a kept reordered copy and
   * the others read views of it
   */
  piecesPerSet?: number;
}

const setup = workerData as StepCeilingSetup;
const { rows, dims, classes, heads, batchSize, groups, piecesPerSet = 1 } = setup;
const rng = new Rng(7);
const x = Float32Array.from({ length: rows * dims }, () => rng.normal());
const y = BigInt64Array.from({ length: rows }, () => BigInt(rng.int(classes)));
const resolved = linearHeads(heads, batchSize).map(resolveHead);
const arch = headArch(resolved[0]!);
const session = await createHeadSession(buildTrainGraph({ dims, classes, stacks: [arch] }));
const column = (values: number[]) => ({ dims: [values.length, 1, 1], data: Float32Array.from(values) });
const hyper: HyperValues = {
  's0/lr': column(resolved.map((h) => h.lr)),
  's0/l2': column(resolved.map((h) => h.l2)),
  's0/momentum': column(resolved.map((h) => h.momentum)),
  's0/cw': { dims: [heads, classes, 1], data: new Float32Array(heads * classes).fill(1) },
};
const states: GroupState[] = Array.from({ length: groups }, (_, g) =>
  packStack(
    0,
    resolved.map((_, k) => initialModelState(arch, dims, classes, 1, `g${g}m${k}`)),
  ),
);
const stacks = [{ arch, models: resolved.map((_, k) => `m${k}`), dropout: resolved.map(() => 0) }];

/** A shuffled visit order per row count, made once (not timed), as a worker's epoch order is. */
const orders = new Map<number, Int32Array>();
const orderOf = (count: number) => {
  if (!orders.has(count)) orders.set(count, epochOrder(1, 1, 0, count));
  return orders.get(count)!;
};

/** The kept reordered copy per row count (allocated once, not timed, as a worker keeps its own). */
const keptCopies = new Map<number, { x: Float32Array; y: BigInt64Array }>();
const keptOf = (count: number) => {
  if (!keptCopies.has(count))
    keptCopies.set(count, { x: new Float32Array(count * dims), y: new BigInt64Array(count) });
  return keptCopies.get(count)!;
};

/** On each message (a row count): trains every group over that many rows; replies with the milliseconds. */
parentPort!.on('message', (count: number) => {
  void (async () => {
    const order = orderOf(count);
    const kept = piecesPerSet > 1 ? keptOf(count) : undefined;
    const started = performance.now();
    for (let g = 0; g < groups; g++) {
      const first = g % piecesPerSet === 0;
      const rowsOf = (): UnitRows =>
        kept && !first
          ? { dims, count, x: kept.x, y: kept.y }
          : {
              dims,
              count,
              x: x.subarray(0, count * dims),
              y: y.subarray(0, count),
              order,
              ...(kept ? { into: kept } : {}),
            };
      const result = await runTrainUnit(session, rowsOf(), batchSize, stacks, states[g]!, hyper, {
        seed: 1,
        epoch: 1,
        shard: 0,
      });
      states[g] = result.state;
    }
    parentPort!.postMessage(performance.now() - started);
  })();
});
