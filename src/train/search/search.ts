import { configError } from '../../core/errors.js';
import { Rng } from '../../core/random.js';
import { headKey, type ResolvedHead } from '../heads/head-config.js';
import { headFromValues, type HeadValues } from './head-values.js';
import { PARAMETERS } from './head-parameters.js';
import { isDistribution, type HeadSpace, type ParameterSpec } from './search-space.js';

export type SearchMode = 'grid' | 'random';

export interface SearchOptions {
  mode: SearchMode;
  /** random search: how many configurations to draw @default 10 */
  samples?: number;
  seed: number;
}

/** A model to train: a feature set (the layer is a search parameter like any other) and a head. */
export interface ModelConfig {
  featureSet: string;
  layer: string;
  head: ResolvedHead;
}

/** A list's elements are the values; `hidden: [64, 128]` is two one-layer widths. */
const listValues = (spec: ParameterSpec): unknown[] | undefined =>
  Array.isArray(spec) ? spec : isDistribution(spec) && 'choice' in spec ? spec.choice : undefined;

function gridValues(name: string, spec: ParameterSpec | undefined): unknown[] {
  if (spec === undefined) return [undefined];
  const list = listValues(spec);
  if (list) return list;
  if (isDistribution(spec))
    throw configError(`${name}: a distribution needs random search (--search random --samples N)`);
  return [spec];
}

/** Draws one value of a parameter from its own stream. */
function sample(name: string, spec: ParameterSpec | undefined, rng: Rng): unknown {
  if (spec === undefined) return undefined;
  const list = listValues(spec);
  if (list) return list[rng.int(list.length)];
  if (!isDistribution(spec)) return spec;
  if ('log_uniform_values' in spec) {
    const [a, b] = spec.log_uniform_values;
    if (!(a > 0 && b >= a)) throw configError(`${name}: log_uniform_values needs 0 < min ≤ max`);
    return Math.exp(rng.uniform(Math.log(a), Math.log(b)));
  }
  if ('uniform' in spec) {
    const [a, b] = spec.uniform;
    if (!(b >= a)) throw configError(`${name}: uniform needs min ≤ max`);
    return rng.uniform(a, b);
  }
  if (!('int_uniform' in spec)) throw configError(`${name}: unknown distribution`);
  const [a, b] = spec.int_uniform;
  if (!(Number.isInteger(a) && Number.isInteger(b) && b >= a))
    throw configError(`${name}: int_uniform needs integers min ≤ max`);
  return a + rng.int(b - a + 1);
}

/** Every combination, the last parameter varying fastest. */
function cartesian(axes: unknown[][]): unknown[][] {
  return axes.reduce<unknown[][]>((rows, axis) => rows.flatMap((row) => axis.map((v) => [...row, v])), [[]]);
}

function valuesOf(row: readonly unknown[]): HeadValues {
  const values: HeadValues = {};
  PARAMETERS.forEach((name, i) => {
    if (row[i] !== undefined) values[name] = row[i];
  });
  return values;
}

/**
 * Expands a search space into the run's models. Grid: every layer × every combination of the listed
 * values, layer outermost. Random: `samples` draws, each parameter, the layer included, from its own
 * seeded stream (so adding a parameter does not change the others' draws), lists as uniform choices,
 * log-uniform over real values. Identical (layer, head) pairs are kept once.
 */
export function expandSearch(
  space: HeadSpace,
  featureSets: readonly { key: string; layer: string }[],
  options: SearchOptions,
): ModelConfig[] {
  if (featureSets.length === 0) throw configError('no layers to search over');
  const specs = PARAMETERS.map((name) => space[name]);
  const configs: ModelConfig[] = [];
  if (options.mode === 'grid') {
    const rows = cartesian(PARAMETERS.map((name, i) => gridValues(name, specs[i])));
    const heads = rows.map((row) => headFromValues(valuesOf(row)));
    for (const set of featureSets)
      for (const head of heads) configs.push({ featureSet: set.key, layer: set.layer, head });
  } else {
    const samples = options.samples ?? 10;
    if (!Number.isInteger(samples) || samples < 1)
      throw configError(`--samples must be a positive integer, got ${samples}`);
    const streams = PARAMETERS.map((name) => Rng.derive(options.seed, `search/${name}`));
    const layerStream = Rng.derive(options.seed, 'search/layer');
    for (let s = 0; s < samples; s++) {
      const row = PARAMETERS.map((name, i) => sample(name, specs[i], streams[i]!));
      const set = featureSets[layerStream.int(featureSets.length)]!;
      configs.push({ featureSet: set.key, layer: set.layer, head: headFromValues(valuesOf(row)) });
    }
  }
  const seen = new Set<string>();
  return configs.filter((c) => {
    const key = `${c.featureSet}\u0000${headKey(c.head)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
