import type { Backbone, PreprocessSpec } from '../backbone/backbone.js';
import type { StorageDtype } from '../store/batch-codec.js';
import { canCut, type OnnxParts } from './onnx-stage.js';
import type { PlanInput, PlanPoint, PlanTiming, Strategy } from './plan.js';
import type { WantedSet } from './wanted-sets.js';

export interface PlanContext {
  backbone: Backbone;
  /** set when the backbone can be cut into stages */
  parts: OnnxParts | undefined;
  preprocess: PreprocessSpec;
  /** the sets to compute, graph order */
  sets: readonly WantedSet[];
  records: number;
  memoryBudgetBytes: number;
  cores: number;
  maxBatchSize: number;
  batchSize?: number;
  dtype: StorageDtype;
  strategy: Strategy;
  timing?: PlanTiming;
  baseBytes: number;
}

/**
 * The planner's size table from the backbone's capture points: for each point to compute, its raw
 * and stored sizes, and the largest and total tensor sizes computed since the previous point (every
 * float tensor the backbone exposes is a capture point, so the table sees the whole graph).
 */
export function planInputFor(context: PlanContext): PlanInput {
  const { backbone, sets, parts, preprocess } = context;
  let previous = -1;
  const points: PlanPoint[] = sets.map((set, k) => {
    const span = backbone.points.slice(previous + 1, set.pointIndex + 1);
    previous = set.pointIndex;
    const next = sets[k + 1];
    return {
      name: set.layer,
      rawValues: set.point.size,
      storedValues: set.dims,
      spanMaxValues: Math.max(set.point.size, ...span.map((p) => p.size)),
      spanValues: span.reduce((a, p) => a + p.size, 0) || set.point.size,
      cuttable:
        parts !== undefined &&
        next !== undefined &&
        set.point.dtype === undefined &&
        set.point.quantized === undefined &&
        canCut(parts, set.point.name, next.point.name),
    };
  });
  const input = backbone.inputs[0];
  const inputValues =
    preprocess.kind === 'image'
      ? preprocess.resize[0] * preprocess.resize[1] * (preprocess.channels === 'gray' ? 1 : 3)
      : preprocess.maxLength * backbone.inputs.length;
  return {
    records: context.records,
    points,
    inputValuesPerRecord: inputValues || (input ? 1 : 0),
    decodedBytesPerRecord:
      preprocess.kind === 'image' ? preprocess.resize[0] * preprocess.resize[1] * 3 : 4096,
    modelBytes: backbone.weightBytes,
    baseBytes: context.baseBytes,
    memoryBudgetBytes: context.memoryBudgetBytes,
    cores: context.cores,
    maxBatchSize: context.maxBatchSize,
    ...(context.batchSize === undefined ? {} : { batchSize: context.batchSize }),
    storageBytesPerValue: context.dtype === 'float16' ? 2 : 4,
    strategy: context.strategy,
    stagedAvailable: parts !== undefined,
    rawRequested: sets.some((s) => s.pooling === 'none'),
    ...(context.timing ? { timing: context.timing } : {}),
  };
}
