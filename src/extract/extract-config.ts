import { z } from 'zod';
import type { PreprocessOverrides } from '../backbone/backbone.js';
import { parsePooling, type Pooling } from '../backbone/capture-point.js';
import { usageError } from '../core/errors.js';
import type { OpenDatasetOptions } from '../data/open-options.js';
import { parseSplitFractions } from '../data/split.js';
import type { StorageDtype } from '../store/batch-codec.js';
import { parseMemorySize } from './memory-budget.js';
import type { Strategy } from './plan.js';

/** `extract`'s flags as commander hands them over (strings), validated here at the edge. */
const flagsSchema = z.object({
  layers: z.string().default('blocks'),
  pool: z.string().default('mean'),
  store: z.string().optional(),
  memory: z.string().optional(),
  dtype: z.enum(['float32', 'float16']).default('float32'),
  batchSize: z.string().optional(),
  threads: z.string().optional(),
  strategy: z.enum(['auto', 'one-pass', 'staged', 'lazy']).default('auto'),
  plan: z.boolean().optional(),
  strict: z.boolean().optional(),
  textColumn: z.string().optional(),
  labelColumn: z.string().optional(),
  splitColumn: z.string().optional(),
  idColumn: z.string().optional(),
  imageColumn: z.string().optional(),
  groupColumn: z.string().optional(),
  groupBy: z.enum(['folder']).optional(),
  table: z.string().optional(),
  query: z.string().optional(),
  split: z.string().optional(),
  seed: z.string().optional(),
  resize: z.string().optional(),
  scale: z.string().optional(),
  mean: z.string().optional(),
  std: z.string().optional(),
  channels: z.enum(['rgb', 'bgr', 'gray']).optional(),
  layout: z.enum(['nchw', 'nhwc']).optional(),
  maxLength: z.string().optional(),
  progressMs: z.string().optional(),
});

export type ExtractFlags = z.input<typeof flagsSchema>;

/** Everything `extract` needs, defaults applied in one place. */
export interface ExtractConfig {
  layers: string[];
  pooling: Pooling;
  store?: string;
  memoryBudgetBytes?: number;
  dtype: StorageDtype;
  batchSize?: number;
  threads?: number;
  strategy: Strategy;
  planOnly: boolean;
  strict: boolean;
  data: OpenDatasetOptions;
  preprocess: PreprocessOverrides;
  progressIntervalMs?: number;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`${flag} must be a positive integer, got ${value}`);
  return n;
}

function numberList(value: string, flag: string, length?: number): number[] {
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.some((p) => !Number.isFinite(p)) || (length !== undefined && parts.length !== length))
    throw usageError(`${flag} takes ${length ?? 'a list of'} comma-separated numbers, got ${value}`);
  return parts;
}

/** `1/255` or `0.0039`. */
function scaleOf(value: string): number {
  const match = /^\s*([\d.eE+-]+)\s*(?:\/\s*([\d.eE+-]+))?\s*$/.exec(value);
  const n = match ? Number(match[1]) / (match[2] === undefined ? 1 : Number(match[2])) : NaN;
  if (!Number.isFinite(n)) throw usageError(`--scale takes a number such as 1/255, got ${value}`);
  return n;
}

/** Resolves `extract`'s flags: parses, checks, applies defaults. Throws a usage error naming the flag. */
export function resolveExtractConfig(flags: ExtractFlags): ExtractConfig {
  const parsed = flagsSchema.safeParse(flags);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw usageError(
      `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`,
    );
  }
  const f = parsed.data;
  let split;
  try {
    split = f.split === undefined ? undefined : parseSplitFractions(f.split);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const preprocess: PreprocessOverrides = {
    ...(f.resize ? { resize: numberList(f.resize, '--resize', 2) as [number, number] } : {}),
    ...(f.scale ? { scale: scaleOf(f.scale) } : {}),
    ...(f.mean ? { mean: numberList(f.mean, '--mean') } : {}),
    ...(f.std ? { std: numberList(f.std, '--std') } : {}),
    ...(f.channels ? { channels: f.channels } : {}),
    ...(f.layout ? { layout: f.layout } : {}),
    ...(f.maxLength ? { maxLength: positiveInt(f.maxLength, '--max-length') } : {}),
  };
  if (f.table && f.query) throw usageError('pass --table or --query, not both');
  const seed = f.seed === undefined ? undefined : Number(f.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw usageError(`--seed must be an integer, got ${f.seed}`);
  return {
    layers: f.layers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    pooling: parsePooling(f.pool),
    ...(f.store ? { store: f.store } : {}),
    ...(f.memory ? { memoryBudgetBytes: parseMemorySize(f.memory) } : {}),
    dtype: f.dtype,
    ...(f.batchSize ? { batchSize: positiveInt(f.batchSize, '--batch-size') } : {}),
    ...(f.threads ? { threads: positiveInt(f.threads, '--threads') } : {}),
    strategy: f.strategy,
    planOnly: f.plan === true,
    strict: f.strict === true,
    data: {
      ...(f.textColumn ? { textColumn: f.textColumn } : {}),
      ...(f.labelColumn ? { labelColumn: f.labelColumn } : {}),
      ...(f.splitColumn ? { splitColumn: f.splitColumn } : {}),
      ...(f.idColumn ? { idColumn: f.idColumn } : {}),
      ...(f.imageColumn ? { imageColumn: f.imageColumn } : {}),
      ...(f.groupColumn ? { groupColumn: f.groupColumn } : {}),
      ...(f.groupBy ? { groupBy: f.groupBy } : {}),
      ...(f.table ? { table: f.table } : {}),
      ...(f.query ? { query: f.query } : {}),
      ...(split ? { split } : {}),
      ...(seed === undefined ? {} : { seed }),
      strict: f.strict === true,
    },
    preprocess,
    ...(f.progressMs === undefined ? {} : { progressIntervalMs: Number(f.progressMs) }),
  };
}
