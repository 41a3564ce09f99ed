import { headTypeSchema } from '../../core/contract/shared.js';
import { configError } from '../../core/errors.js';
import type { ResolvedHead } from '../heads/head-config.js';

type HeadType = ResolvedHead['type'];

/**
 * One head parameter as search spaces, sweep files, `--heads` files and steering commands spell it:
 * the resolved head's field it sets, its default, the head types that use it, and how one concrete
 * value parses. A search space gives each parameter a value, a list (a grid axis) or a distribution;
 * `numeric` says whether distributions over numbers apply.
 */
interface HeadParameter<F extends keyof ResolvedHead> {
  field: F;
  /** the value a head gets when neither its space nor its base sets it */
  default: ResolvedHead[F];
  /** head types whose training reads it (the others ignore it, and `resolveHead` zeroes it) */
  heads: readonly HeadType[];
  numeric: boolean;
  /** the allowed words of a choice parameter */
  options?: readonly string[];
  parse(key: string, value: unknown): ResolvedHead[F];
  /** the value taken from the base head when the space leaves the parameter out @default base[field] */
  inherit?(base: ResolvedHead): ResolvedHead[F];
}

/** Any one row of the table, as code that walks every parameter sees it. */
export type HeadParameterRow = {
  [F in keyof ResolvedHead]: HeadParameter<F>;
}[keyof ResolvedHead];

const parameter = <F extends keyof ResolvedHead>(p: HeadParameter<F>) => p;

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

/** The hidden width an `mlp` gets when `hidden` is not given. */
export const DEFAULT_HIDDEN = [128];

const ALL = headTypeSchema.options;
/** ridge is solved in closed form: no optimizer, rate, penalty (λ by GCV), schedule or weighting */
const SGD = ['linear', 'mlp'] as const;

const choice = <F extends 'type' | 'optimizer' | 'lrSchedule' | 'classWeight'>(
  field: F,
  options: readonly ResolvedHead[F][],
  heads: readonly HeadType[],
) =>
  parameter<F>({
    field,
    default: options[0]!,
    heads,
    numeric: false,
    options,
    parse: (key, value) => oneOf(key, value, options),
  });

const number = <F extends 'lr' | 'l2' | 'batchSize' | 'momentum' | 'dropout'>(
  field: F,
  fallback: number,
  heads: readonly HeadType[],
) => parameter<F>({ field, default: fallback, heads, numeric: true, parse: numberOf });

/**
 * Every head parameter, once, in search order (grid rows vary the last one fastest; random search
 * draws each from a stream named after it, so this order and these names are part of a run's seed).
 */
export const HEAD_PARAMETERS = {
  type: choice('type', ALL, ALL),
  hidden: parameter({
    field: 'hidden',
    default: [],
    heads: ['mlp'],
    numeric: true,
    parse: (_key, value) => hiddenLayers(value),
    // a head given no widths (a linear base turned mlp) gets the default width
    inherit: (base) => (base.hidden.length > 0 ? base.hidden : DEFAULT_HIDDEN),
  }),
  optimizer: choice('optimizer', ['sgd', 'adam'], SGD),
  lr: number('lr', 0.01, SGD),
  l2: number('l2', 1e-4, SGD),
  /** SGD only: Adam ignores it */
  momentum: number('momentum', 0.9, SGD),
  /** ridge reads it too: the batch size its feature rows are streamed in */
  batchSize: number('batchSize', 64, ALL),
  dropout: number('dropout', 0, ['mlp']),
  schedule: choice('lrSchedule', ['constant', 'cosine'], SGD),
  classWeight: choice('classWeight', ['none', 'balanced'], SGD),
};

export type ParameterName = keyof typeof HEAD_PARAMETERS;

/** The parameter names in search order. */
export const PARAMETERS = Object.keys(HEAD_PARAMETERS) as ParameterName[];

/** Every field of a resolved head is set by exactly the parameters above (checked by the compiler). */
type Covered = (typeof HEAD_PARAMETERS)[ParameterName]['field'];
const everyFieldCovered: [keyof ResolvedHead] extends [Covered] ? true : never = true;
void everyFieldCovered;

/** Settings a head takes when its search space or command leaves them out. */
export const HEAD_DEFAULTS = Object.fromEntries(
  PARAMETERS.map((name) => [HEAD_PARAMETERS[name].field, HEAD_PARAMETERS[name].default]),
) as unknown as ResolvedHead;
