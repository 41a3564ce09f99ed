import type { HeadSummary } from '../core/result.js';

/**
 * A multinomial-logistic-regression head trained with SGD and momentum. Later head types (MLP) and
 * optimizers (Adam) join `HeadConfig` as further members of the union, discriminated by `type`.
 */
export interface LinearHeadConfig {
  type: 'linear';
  lr: number;
  l2: number;
  batchSize: number;
  /** @default 0 */
  momentum: number;
  optimizer: 'sgd';
  /** per-epoch learning-rate schedule @default 'constant' */
  lrSchedule?: 'constant' | 'cosine';
}

export type HeadConfig = LinearHeadConfig;

/** The shorter of plain and exponential notation (plain on ties): `0.1`, `0.05`, `1e-3`, `64`. */
export function shortNumber(value: number): string {
  const plain = String(value);
  const exponential = value.toExponential().replace('e+', 'e');
  return exponential.length < plain.length ? exponential : plain;
}

/**
 * The label the UI and results show for a head: `lr=0.1 l2=1e-4`, plus batch size and momentum
 * when they vary among the job's heads (so every label in a run names one configuration).
 */
export function headLabel(head: HeadConfig, all: readonly HeadConfig[] = [head]): string {
  const parts = [`lr=${shortNumber(head.lr)}`, `l2=${shortNumber(head.l2)}`];
  if (all.some((h) => h.batchSize !== head.batchSize)) parts.push(`bs=${head.batchSize}`);
  if (all.some((h) => h.momentum !== head.momentum)) parts.push(`mom=${shortNumber(head.momentum)}`);
  return parts.join(' ');
}

export function headSummary(id: string, head: HeadConfig, epochs: number): HeadSummary {
  return {
    id,
    type: head.type,
    lr: head.lr,
    l2: head.l2,
    batchSize: head.batchSize,
    optimizer: head.optimizer,
    momentum: head.momentum,
    epochs,
  };
}
