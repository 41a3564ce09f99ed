import { headFlops, type HeadArch } from '../heads/head-arch.js';

/**
 * Per-step cost of a graph run beyond its arithmetic, in multiply-adds: ONNX Runtime's run call,
 * feeding the batch, copying the state out. `bench/step-cost.ts` fits `step = fixed + K × per head`
 * to the fused step of K 512-wide logistic-regression heads (10 classes, batch 256); on this project's
 * loaded 2-core machine (2026-12-01) the fixed part came out at 8–25 M multiply-adds from run to run,
 * and the earlier quiet-machine finding that halving 16-head groups cost ~15% of throughput implies
 * ~11 M. About three such heads' arithmetic; re-run the calibration on a quiet machine to refine it.
 */
export const STEP_OVERHEAD = 12_000_000;

/** Per-unit cost beyond its steps (the hop: the state's transfer, its checkpoint, the reply). */
export const UNIT_OVERHEAD = 10_000_000;

/** What the cost model needs of a fused group (or of a piece of one). */
export interface CostedGroup {
  batchSize: number;
  stacks: readonly { arch: HeadArch; models: readonly string[] }[];
}

/**
 * Estimated compute of one MOP unit, a fused group training over `rows` rows, for the scheduler's
 * virtual clock: an affine model (a fixed cost per unit and per step, plus each head's arithmetic),
 * so fusing heads saves the fixed parts and splitting a group pays them again. Deterministic, never
 * measured at run time: plans and group splits must be functions of the seed alone.
 */
export function unitCost(group: CostedGroup, dims: number, classes: number, rows: number): number {
  const flops = group.stacks.reduce((n, s) => n + s.models.length * headFlops(s.arch, dims, classes), 0);
  return UNIT_OVERHEAD + Math.ceil(rows / group.batchSize) * STEP_OVERHEAD + rows * flops;
}
