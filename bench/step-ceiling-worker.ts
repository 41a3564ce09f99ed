/**
 * A thread of the step-ceiling measurement: the training-step graph of one fused group of K
 * logistic-regression heads, run by the real unit runner, as a shard worker runs its units: each
 * feature set has its own rows in this thread's memory (as a worker holds one shard per set, so a
 * group's batches come from its own set's rows, not from rows another group just left in cache), each
 * pass visits them in a fresh shuffled order made as a worker makes its epoch order
 * (`epochOrder(seed, epoch, shard, count)`, made inside the timed pass as a worker makes it inside
 * its epoch's first unit), and each batch is gathered from that order. The rows are drawn standard
 * normal: a worker standardizes its rows once at load, so a step reads them as they are in both.
 * Nothing else: no store, no scheduler, no state moving between threads, no checkpoints, no validation.
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
  /** the most rows one request trains (each feature set holds this many rows) */
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

/** One request: train every group over `count` rows, `passes` times, as shard `shard` in epochs 1… */
export interface StepCeilingRequest {
  count: number;
  passes: number;
  shard: number;
}

const setup = workerData as StepCeilingSetup;
const { rows, dims, classes, heads, batchSize, groups, piecesPerSet = 1 } = setup;
const sets = Math.ceil(groups / piecesPerSet);
const rng = new Rng(7);
// one row block per feature set, as a worker holds one per set it trains on
const xs = Array.from({ length: sets }, () => Float32Array.from({ length: rows * dims }, () => rng.normal()));
const ys = Array.from({ length: sets }, () =>
  BigInt64Array.from({ length: rows }, () => BigInt(rng.int(classes))),
);
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

/** The kept reordered copy per set and row count (allocated once, not timed, as a worker keeps its own). */
const keptCopies = new Map<string, { x: Float32Array; y: BigInt64Array }>();
const keptOf = (set: number, count: number) => {
  const key = `${set}/${count}`;
  if (!keptCopies.has(key))
    keptCopies.set(key, { x: new Float32Array(count * dims), y: new BigInt64Array(count) });
  return keptCopies.get(key)!;
};

/** Trains every group over the request's rows, pass after pass; replies with the milliseconds. */
parentPort!.on('message', ({ count, passes, shard }: StepCeilingRequest) => {
  void (async () => {
    const started = performance.now();
    for (let pass = 1; pass <= passes; pass++) {
      // a shard's order is made once per epoch and shared by the groups that visit it
      const order = epochOrder(1, pass, shard, count);
      for (let g = 0; g < groups; g++) {
        const set = Math.floor(g / piecesPerSet);
        const kept = piecesPerSet > 1 ? keptOf(set, count) : undefined;
        const first = g % piecesPerSet === 0;
        const unitRows: UnitRows =
          kept && !first
            ? { dims, count, x: kept.x, y: kept.y }
            : {
                dims,
                count,
                x: xs[set]!.subarray(0, count * dims),
                y: ys[set]!.subarray(0, count),
                order,
                ...(kept ? { into: kept } : {}),
              };
        const result = await runTrainUnit(session, unitRows, batchSize, stacks, states[g]!, hyper, {
          seed: 1,
          epoch: pass,
          shard,
        });
        states[g] = result.state;
      }
    }
    parentPort!.postMessage(performance.now() - started);
  })();
});
