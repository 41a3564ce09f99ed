import type { HeadConfig } from '../../src/train/heads/head-config.js';

/** What both plans train on every layer: the same head configurations, epochs, seed and batch sizes. */
export interface Workload {
  heads: HeadConfig[];
  epochs: number;
  seed: number;
  /** extraction batch size, the same for both plans */
  extractBatchSize: number;
}

/**
 * 8 logistic-regression heads per layer (4 learning rates × 2 L2 strengths, SGD with momentum, cosine
 * schedule), the kind of grid a person sweeps when asking which layer transfers. Quick runs train the
 * same grid for fewer epochs.
 */
export function benchWorkload(quick: boolean): Workload {
  const heads: HeadConfig[] = [];
  for (const lr of [0.3, 0.1, 0.03, 0.01])
    for (const l2 of [0, 1e-3])
      heads.push({
        type: 'linear',
        lr,
        l2,
        batchSize: 64,
        optimizer: 'sgd',
        momentum: 0.9,
        lrSchedule: 'cosine',
      });
  return { heads, epochs: quick ? 3 : 4, seed: 1, extractBatchSize: 128 };
}
