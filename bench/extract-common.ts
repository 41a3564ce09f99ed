/**
 * Shared by the extraction and store benchmarks: where results go, what machine made them, and the
 * dataset they use (Fashion-MNIST from the shared assets when present, else a built-in generator, so
 * every benchmark runs anywhere).
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FASHION_MNIST = '/work/shared/assets/datasets/fashion-mnist';

export interface BenchData {
  ref: string;
  /** flags the model needs for it (Fashion-MNIST is 28×28 gray; the embedded CNN takes 32×32 RGB) */
  resize?: [number, number];
  /** a record count for built-in generators */
  count?: number;
}

/** Fashion-MNIST (70,000 records) when the shared assets are here, else `builtin:shapes` of `fallbackCount`. */
export function benchData(fallbackCount: number): BenchData {
  if (existsSync(FASHION_MNIST)) return { ref: FASHION_MNIST, resize: [32, 32] };
  return { ref: 'builtin:shapes', count: fallbackCount };
}

export function machine(): Record<string, unknown> {
  return {
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A fresh temporary folder. */
export const scratch = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** Writes bench/results/<name>.json (next to the sources, not dist/) and prints it. */
export function recordResult(name: string, result: Record<string, unknown>): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = here.includes(`${join('dist', 'bench')}`) ? join(here, '..', '..') : join(here, '..');
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const doc = { ...result, machine: machine(), recordedAt: new Date().toISOString() };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(doc, null, 2)}\n`);
  console.log(JSON.stringify(doc, null, 2));
}
