import type { HeadSummary } from '../../core/result.js';

/** What every head type shares: its optimizer and regularisation. */
interface HeadBase {
  lr: number;
  /** L2 penalty on weights (not biases), added to the gradient as `l2·W` */
  l2: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam';
  /** SGD momentum (PyTorch convention); Adam uses β1 = 0.9, β2 = 0.999 and ignores it @default 0 */
  momentum: number;
  /** per-epoch learning-rate schedule @default 'constant' */
  lrSchedule?: 'constant' | 'cosine';
  /** `balanced` weighs each class by n / (classes · n_class) over the train split @default 'none' */
  classWeight?: 'none' | 'balanced';
}

/** Multinomial logistic regression. */
export interface LinearHeadConfig extends HeadBase {
  type: 'linear';
}

/** A multi-layer perceptron: ReLU hidden layers, each followed by (inverted) dropout when set. */
export interface MlpHeadConfig extends HeadBase {
  type: 'mlp';
  /** units per hidden layer, one or two layers */
  hidden: number[];
  /** @default 0 */
  dropout?: number;
}

/**
 * One-vs-rest ridge regression on the standardised features, solved in closed form with λ chosen by
 * GCV (triage/ridge.ts): no epochs, no optimizer; its weights are a linear head's, so everything that
 * reads a linear head reads it.
 */
export interface RidgeHeadConfig extends HeadBase {
  type: 'ridge';
}

export type HeadConfig = LinearHeadConfig | MlpHeadConfig | RidgeHeadConfig;

/**
 * A head with every default applied and irrelevant settings zeroed (a linear head has no hidden
 * layers or dropout, Adam has no momentum), so equal configurations compare equal. The trainer works
 * only with resolved heads.
 */
export interface ResolvedHead {
  type: 'linear' | 'mlp' | 'ridge';
  hidden: number[];
  lr: number;
  l2: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam';
  momentum: number;
  dropout: number;
  lrSchedule: 'constant' | 'cosine';
  classWeight: 'none' | 'balanced';
}

export function resolveHead(head: HeadConfig | ResolvedHead): ResolvedHead {
  // a ridge head has no optimizer settings: every ridge configuration of a grid is the same head
  if (head.type === 'ridge')
    return {
      type: 'ridge',
      hidden: [],
      lr: 1,
      l2: 0,
      batchSize: head.batchSize,
      optimizer: 'sgd',
      momentum: 0,
      dropout: 0,
      lrSchedule: 'constant',
      classWeight: 'none',
    };
  const mlp = head.type === 'mlp';
  return {
    type: head.type,
    hidden: mlp ? [...(head.hidden ?? [])] : [],
    lr: head.lr,
    l2: head.l2,
    batchSize: head.batchSize,
    optimizer: head.optimizer,
    momentum: head.optimizer === 'sgd' ? head.momentum : 0,
    dropout: mlp ? (head.dropout ?? 0) : 0,
    lrSchedule: head.lrSchedule ?? 'constant',
    classWeight: head.classWeight ?? 'none',
  };
}

/** Identity of a resolved head, for de-duplication. */
export function headKey(head: ResolvedHead): string {
  return JSON.stringify(resolveHead(head));
}

/** The shorter of plain and exponential notation (plain on ties): `0.1`, `0.05`, `1e-3`, `64`. */
export function shortNumber(value: number): string {
  const plain = String(value);
  const exponential = value.toExponential().replace('e+', 'e');
  return exponential.length < plain.length ? exponential : plain;
}

const architecture = (head: ResolvedHead) =>
  head.type === 'mlp' ? `mlp[${head.hidden.join('x')}]` : head.type;

/**
 * The label the UI and results show for a head: `lr=0.1 l2=1e-4`, preceded by the architecture and
 * followed by batch size, momentum, optimizer, dropout, schedule and class weighting when they vary
 * among the run's heads (so every label in a run names one configuration).
 */
export function headLabel(
  head: HeadConfig | ResolvedHead,
  all: readonly (HeadConfig | ResolvedHead)[] = [head],
): string {
  const h = resolveHead(head);
  if (h.type === 'ridge') return 'ridge (λ by GCV)';
  const others = all.map(resolveHead);
  const varies = (get: (x: ResolvedHead) => unknown) =>
    others.some((o) => JSON.stringify(get(o)) !== JSON.stringify(get(h)));
  const parts: string[] = [];
  if (varies(architecture)) parts.push(architecture(h));
  parts.push(`lr=${shortNumber(h.lr)}`, `l2=${shortNumber(h.l2)}`);
  if (varies((x) => x.batchSize)) parts.push(`bs=${h.batchSize}`);
  if (varies((x) => x.momentum)) parts.push(`mom=${shortNumber(h.momentum)}`);
  if (varies((x) => x.optimizer)) parts.push(h.optimizer);
  if (varies((x) => x.dropout)) parts.push(`do=${shortNumber(h.dropout)}`);
  if (varies((x) => x.lrSchedule)) parts.push(h.lrSchedule);
  if (varies((x) => x.classWeight)) parts.push(`cw=${h.classWeight}`);
  return parts.join(' ');
}

/** The head as result documents show it; `epochs` is how many epochs the model trained. */
export function headSummary(id: string, head: HeadConfig | ResolvedHead, epochs: number): HeadSummary {
  const h = resolveHead(head);
  const summary: HeadSummary = {
    id,
    type: h.type,
    lr: h.lr,
    l2: h.l2,
    batchSize: h.batchSize,
    optimizer: h.optimizer,
    momentum: h.momentum,
    epochs,
    schedule: h.lrSchedule,
    classWeight: h.classWeight,
  };
  if (h.type === 'mlp') Object.assign(summary, { hidden: h.hidden, dropout: h.dropout });
  return summary;
}
