import type { HeadConfig } from './head-config.js';

/**
 * The learning rate a head trains with during `epoch` (1-based) of `epochs`. Cosine annealing
 * (Loshchilov & Hutter, SGDR, 2017) without restarts, stepped per epoch so every unit of an epoch,
 * whichever worker runs it, uses the same rate and MOP keeps sequential-SGD semantics.
 */
export function learningRate(head: HeadConfig, epoch: number, epochs: number): number {
  if ((head.lrSchedule ?? 'constant') === 'constant' || epochs <= 1) return head.lr;
  return head.lr * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / epochs));
}
