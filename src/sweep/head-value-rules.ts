import type { ParameterName } from '../train/search/head-parameters.js';

/**
 * What each head parameter accepts, checked value by value (inside lists and distribution bounds),
 * so a sweep file's error points at the offending value, not at its whole block.
 */
export interface ValueRule {
  expected: string;
  test(value: unknown): boolean;
  /** whether distributions over numbers make sense for this parameter */
  numeric: boolean;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPositiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

/** One rule per head parameter (train/search/head-parameters.ts; the compiler checks none is missing). */
export const headValueRules: Record<string, ValueRule> = {
  type: {
    expected: 'linear, mlp or ridge',
    test: (v) => v === 'linear' || v === 'mlp' || v === 'ridge',
    numeric: false,
  },
  optimizer: { expected: 'sgd or adam', test: (v) => v === 'sgd' || v === 'adam', numeric: false },
  schedule: {
    expected: 'constant or cosine',
    test: (v) => v === 'constant' || v === 'cosine',
    numeric: false,
  },
  classWeight: {
    expected: 'none or balanced',
    test: (v) => v === 'none' || v === 'balanced',
    numeric: false,
  },
  lr: { expected: 'a learning rate > 0', test: (v) => isNumber(v) && v > 0, numeric: true },
  l2: { expected: 'an L2 strength ≥ 0', test: (v) => isNumber(v) && v >= 0, numeric: true },
  momentum: { expected: 'a momentum in [0, 1)', test: (v) => isNumber(v) && v >= 0 && v < 1, numeric: true },
  dropout: {
    expected: 'a dropout rate in [0, 1)',
    test: (v) => isNumber(v) && v >= 0 && v < 1,
    numeric: true,
  },
  batchSize: { expected: 'a positive integer batch size', test: isPositiveInt, numeric: true },
  hidden: {
    expected: 'hidden units: a positive integer, or a list of 1–2 of them for one MLP',
    test: (v) =>
      isPositiveInt(v) || (Array.isArray(v) && v.length >= 1 && v.length <= 2 && v.every(isPositiveInt)),
    numeric: true,
  },
} satisfies Record<ParameterName, ValueRule>;
