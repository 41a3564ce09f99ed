import { headTypeSchema } from '../../core/contract/shared.js';
import { configError } from '../../core/errors.js';
import { resolveHead, type ResolvedHead } from '../heads/head-config.js';
import type { ParameterName } from './search-space.js';

/** Settings a head takes when its search space or command leaves them out. */
export const HEAD_DEFAULTS: ResolvedHead = {
  type: 'linear',
  hidden: [],
  lr: 0.01,
  l2: 1e-4,
  batchSize: 64,
  optimizer: 'sgd',
  momentum: 0.9,
  dropout: 0,
  lrSchedule: 'constant',
  classWeight: 'none',
};

/** The hidden width an `mlp` gets when `hidden` is not given. */
export const DEFAULT_HIDDEN = [128];

/** One concrete value per parameter, as a search sample or a control command gives them. */
export type HeadValues = Partial<Record<ParameterName, unknown>>;

/** `128` → [128]; `"256x128"` or `"256,128"` → [256, 128]; `[256, 128]` → [256, 128]. */
export function hiddenLayers(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.map(Number);
  if (typeof value === 'string')
    return value
      .split(/[x,\s]+/)
      .filter(Boolean)
      .map(Number);
  throw configError(`hidden: expected units per layer like 128 or "256x128", got ${JSON.stringify(value)}`);
}

const oneOf = <T extends string>(key: string, value: unknown, allowed: readonly T[]): T => {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw configError(`${key}: expected ${allowed.join(' or ')}, got ${JSON.stringify(value)}`);
};

const numberOf = (key: string, value: unknown): number => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw configError(`${key}: expected a number, got ${JSON.stringify(value)}`);
  return n;
};

/**
 * A validated, resolved head from concrete values over a base (defaults, or the head being cloned).
 * One line per bad value names the key and the allowed range.
 */
export function headFromValues(values: HeadValues, base: ResolvedHead = HEAD_DEFAULTS): ResolvedHead {
  const known = new Set<string>([
    'type',
    'hidden',
    'optimizer',
    'lr',
    'l2',
    'momentum',
    'batchSize',
    'dropout',
    'schedule',
    'classWeight',
  ]);
  for (const key of Object.keys(values))
    if (!known.has(key)) throw configError(`unknown head setting ${key}; use ${[...known].join(', ')}`);
  const type = values.type === undefined ? base.type : oneOf('type', values.type, headTypeSchema.options);
  const hidden =
    values.hidden !== undefined
      ? hiddenLayers(values.hidden)
      : base.hidden.length > 0
        ? base.hidden
        : DEFAULT_HIDDEN;
  const head = resolveHead({
    type,
    hidden,
    lr: values.lr === undefined ? base.lr : numberOf('lr', values.lr),
    l2: values.l2 === undefined ? base.l2 : numberOf('l2', values.l2),
    batchSize: values.batchSize === undefined ? base.batchSize : numberOf('batchSize', values.batchSize),
    optimizer:
      values.optimizer === undefined
        ? base.optimizer
        : oneOf('optimizer', values.optimizer, ['sgd', 'adam'] as const),
    momentum: values.momentum === undefined ? base.momentum : numberOf('momentum', values.momentum),
    dropout: values.dropout === undefined ? base.dropout : numberOf('dropout', values.dropout),
    lrSchedule:
      values.schedule === undefined
        ? base.lrSchedule
        : oneOf('schedule', values.schedule, ['constant', 'cosine'] as const),
    classWeight:
      values.classWeight === undefined
        ? base.classWeight
        : oneOf('classWeight', values.classWeight, ['none', 'balanced'] as const),
  });
  validateHead(head);
  return head;
}

const positiveInt = (n: number) => Number.isInteger(n) && n > 0;

/** Rejects settings the trainer cannot run, with one line naming the bad setting. */
export function validateHead(head: ResolvedHead): void {
  if (!positiveInt(head.batchSize))
    throw configError(`batchSize must be a positive integer, got ${head.batchSize}`);
  if (!(head.lr > 0) || !Number.isFinite(head.lr))
    throw configError(`lr must be a positive number, got ${head.lr}`);
  if (!(head.l2 >= 0) || !Number.isFinite(head.l2))
    throw configError(`l2 must be zero or positive, got ${head.l2}`);
  if (!(head.momentum >= 0 && head.momentum < 1))
    throw configError(`momentum must be in [0, 1), got ${head.momentum}`);
  if (!(head.dropout >= 0 && head.dropout < 1))
    throw configError(`dropout must be in [0, 1), got ${head.dropout}`);
  if (head.type === 'mlp') {
    if (head.hidden.length < 1 || head.hidden.length > 2 || !head.hidden.every(positiveInt))
      throw configError(
        `hidden must be one or two positive layer widths (e.g. 128 or "256x128"), got ${JSON.stringify(head.hidden)}`,
      );
  }
}
