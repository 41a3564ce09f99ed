import { Rng } from '../../src/core/random.js';
import type { GroupState, HyperValues } from '../../src/train/heads/group-state.js';
import { headArch, parameterShapes } from '../../src/train/heads/head-arch.js';
import { buildTrainGraph } from '../../src/train/heads/head-graph.js';
import { initialModelState, packStack } from '../../src/train/heads/head-state.js';
import { createHeadSession } from '../../src/train/heads/ort-session.js';
import { runTrainUnit } from '../../src/train/worker/unit-runner.js';
import { workloadModels } from './mop-simulation.js';

export interface UnitTiming {
  /** seconds: a unit of `heads` heads over `steps` steps ≈ unitFixed + steps × (stepFixed + heads × stepPerHead) */
  compute: { unitFixed: number; stepFixed: number; stepPerHead: number };
  /** bytes per head of the state a unit returns (weights + optimizer), and of its weights alone */
  state: { bytesPerHead: number; weightBytesPerHead: number };
  /** the fastest measured unit, in seconds, per `${heads} heads × ${steps} steps` */
  samples: Record<string, number>;
}

/**
 * Times real MOP units on this machine: layerlab's training-step graph for a fused group of logistic
 * heads, run by the unit runner the workers use (`runTrainUnit`) over random rows, on one thread.
 * Units of 1 and `heads` heads over 4 and 64 steps (the fastest of `repeats` each, after a warm-up)
 * give the per-unit, per-step and per-head parts. The state's size is read from the state the unit
 * returns, which is what travels with a cluster unit.
 */
export async function measureUnits(options: {
  dims: number;
  classes: number;
  batchSize: number;
  heads: number;
  repeats: number;
}): Promise<UnitTiming> {
  const { dims, classes, batchSize, heads, repeats } = options;
  const STEPS = [4, 64];
  const rows = STEPS[1]! * batchSize;
  const rng = new Rng(7);
  const x = Float32Array.from({ length: rows * dims }, () => rng.normal());
  const y = BigInt64Array.from({ length: rows }, () => BigInt(rng.int(classes)));
  const samples: Record<string, number> = {};

  const sizes = [...new Set([1, heads])];
  const runners = await Promise.all(
    sizes.map(async (k) => {
      const resolved = workloadModels({ layers: 1, headsPerLayer: k }, batchSize).map((m) => m.head);
      const arch = headArch(resolved[0]!);
      const session = await createHeadSession(buildTrainGraph({ dims, classes, stacks: [arch] }));
      const column = (v: number[]) => ({ dims: [v.length, 1, 1], data: Float32Array.from(v) });
      const hyper: HyperValues = {
        's0/lr': column(resolved.map((h) => h.lr)),
        's0/l2': column(resolved.map((h) => h.l2)),
        's0/momentum': column(resolved.map((h) => h.momentum)),
        's0/cw': { dims: [k, classes, 1], data: new Float32Array(k * classes).fill(1) },
      };
      let state: GroupState = packStack(
        0,
        resolved.map((_, i) => initialModelState(arch, dims, classes, 1, `m${i}`)),
      );
      const stacks = [{ arch, models: resolved.map((_, i) => `m${i}`), dropout: resolved.map(() => 0) }];
      const run = async (steps: number) => {
        const started = performance.now();
        const result = await runTrainUnit(
          session,
          { dims, count: steps * batchSize, x, y },
          batchSize,
          stacks,
          state,
          hyper,
          { seed: 1, epoch: 1, shard: 0 },
        );
        state = result.state;
        return (performance.now() - started) / 1000;
      };
      const bytes = () => Object.values(state).reduce((n, t) => n + t.data.byteLength, 0);
      return { k, run, bytes, release: () => session.release() };
    }),
  );
  // interleaved rounds (each size and length once per round, after a warm-up round), so load that
  // comes and goes on a shared machine falls on every sample alike; the fastest of each is kept
  for (let r = 0; r <= repeats; r++)
    for (const runner of runners)
      for (const steps of STEPS) {
        const seconds = await runner.run(steps);
        const key = `${runner.k} heads × ${steps} steps`;
        if (r > 0) samples[key] = Math.min(samples[key] ?? Infinity, seconds);
      }
  const bytesPerHead = runners.at(-1)!.bytes() / runners.at(-1)!.k;
  for (const runner of runners) await runner.release();

  const at = (k: number, steps: number) => samples[`${k} heads × ${steps} steps`]!;
  const perStep = (k: number) => (at(k, STEPS[1]!) - at(k, STEPS[0]!)) / (STEPS[1]! - STEPS[0]!);
  const stepPerHead = heads > 1 ? Math.max(0, (perStep(heads) - perStep(1)) / (heads - 1)) : 0;
  const stepFixed = Math.max(0, perStep(1) - stepPerHead);
  const unitFixed =
    sizes.reduce((n, k) => n + Math.max(0, at(k, STEPS[0]!) - STEPS[0]! * perStep(k)), 0) / sizes.length;
  const arch = headArch(workloadModels({ layers: 1, headsPerLayer: 1 }, batchSize)[0]!.head);
  const weightBytesPerHead =
    4 *
    Object.values(parameterShapes(arch, dims, classes)).reduce(
      (n, shape) => n + shape.reduce((a, b) => a * b, 1),
      0,
    );
  return {
    compute: { unitFixed, stepFixed, stepPerHead },
    state: { bytesPerHead, weightBytesPerHead },
    samples,
  };
}
