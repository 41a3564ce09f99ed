import { freemem } from 'node:os';
import { usageError } from '../core/errors.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kb: 1e3,
  kib: 2 ** 10,
  m: 2 ** 20,
  mb: 1e6,
  mib: 2 ** 20,
  g: 2 ** 30,
  gb: 1e9,
  gib: 2 ** 30,
  t: 2 ** 40,
  tb: 1e12,
  tib: 2 ** 40,
};

/**
 * Parses a memory size: `512M`, `2G`, `1.5GiB`, `3000000000`. Single-letter units are binary
 * (as `docker --memory`), `MB`/`GB` decimal.
 * @example parseMemorySize('2G') // 2147483648
 */
export function parseMemorySize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined)
    throw usageError(`--memory ${text} is not a size; use e.g. 512M, 2G or 1.5GiB`);
  const bytes = Math.floor(Number(match[1]) * unit);
  if (bytes < 2 ** 20) throw usageError(`--memory ${text} is below 1 MiB`);
  return bytes;
}

/** The share of available memory extraction plans for when `--memory` is not given. */
export const DEFAULT_MEMORY_FRACTION = 0.5;

/**
 * The default budget: half of what the machine (or the cgroup the process runs in) has free, so
 * extraction leaves room for everything else.
 */
export function defaultMemoryBudget(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  const free = freemem();
  const available = constrained > 0 && constrained < free ? constrained : free;
  return Math.floor(available * DEFAULT_MEMORY_FRACTION);
}
