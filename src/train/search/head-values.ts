import { configError } from '../../core/errors.js';
import { resolveHead, type ResolvedHead } from '../heads/head-config.js';
import {
  HEAD_DEFAULTS,
  HEAD_PARAMETERS,
  PARAMETERS,
  type HeadParameterRow,
  type ParameterName,
} from './head-parameters.js';

export { DEFAULT_HIDDEN, HEAD_DEFAULTS, hiddenLayers } from './head-parameters.js';

/** One concrete value per parameter, as a search sample or a control command gives them. */
export type HeadValues = Partial<Record<ParameterName, unknown>>;

/**
 * A validated, resolved head from concrete values over a base (defaults, or the head being cloned).
 * One line per bad value names the key and the allowed range.
 */
export function headFromValues(values: HeadValues, base: ResolvedHead = HEAD_DEFAULTS): ResolvedHead {
  for (const key of Object.keys(values))
    if (!Object.hasOwn(HEAD_PARAMETERS, key))
      throw configError(`unknown head setting ${key}; use ${PARAMETERS.join(', ')}`);
  const fields: Record<string, unknown> = {};
  for (const name of PARAMETERS) {
    const p: HeadParameterRow = HEAD_PARAMETERS[name];
    const value = values[name];
    fields[p.field] =
      value !== undefined ? p.parse(name, value) : p.inherit ? p.inherit(base) : base[p.field];
  }
  const head = resolveHead(fields as unknown as ResolvedHead);
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
