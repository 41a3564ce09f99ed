import { Option, type Command } from 'commander';
import { usageError } from '../../core/errors.js';
import {
  DEFAULT_TRIAGE_DIMS,
  DEFAULT_TRIAGE_METHOD,
  TRIAGE_METHODS,
  type TriageMethod,
} from '../../triage/methods.js';
import type { TriageResult } from '../../triage/score-feature-sets.js';
import type { GlobalOptions } from '../main.js';

interface TriageFlags {
  store: string;
  layers?: string;
  method: TriageMethod;
  dims: string;
  seed: string;
  threads: string;
}

const integer = (value: string, flag: string, min: number): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw usageError(`${flag} must be an integer ≥ ${min}, got ${value}`);
  return n;
};

/** The stored sets `--layers` selects (all complete ones by default), in graph order. */
async function storedSelection(
  storeDir: string,
  layers: readonly string[],
): Promise<{ key: string; layer: string }[]> {
  // the store (lmdb) and the numerics load in the action only (start-up time)
  const [{ FeatureStore }, { selectFeatureSets }] = await Promise.all([
    import('../../store/feature-store.js'),
    import('../../train/search/select-feature-sets.js'),
  ]);
  const store = FeatureStore.open(storeDir, { write: false });
  try {
    return selectFeatureSets(store.featureSets(), layers);
  } finally {
    store.close();
  }
}

export function formatTriage(result: TriageResult): string {
  const width = Math.max(5, ...result.layers.map((l) => l.layer.length));
  const lines = [`rank  ${'layer'.padEnd(width)}  ${'score'.padStart(10)}  dims  seconds`];
  for (const l of result.layers)
    lines.push(
      `${String(l.rank).padStart(4)}  ${l.layer.padEnd(width)}  ${l.score.toPrecision(5).padStart(10)}  ${String(l.dims).padStart(4)}  ${l.seconds.toFixed(2).padStart(7)}${
        l.sameAs === undefined ? '' : `  same features as ${l.sameAs}`
      }`,
    );
  lines.push(
    `${result.layers.length} feature sets scored by ${result.method} in ${result.seconds.toFixed(2)} s`,
  );
  return lines.join('\n');
}

export function registerTriage(program: Command): void {
  program
    .command('triage')
    .description('rank the stored feature sets by a closed-form transferability score, in seconds')
    .requiredOption('--store <dir>', 'the feature store folder (see `layerlab store ls`)')
    .option(
      '--layers <selectors>',
      'stored feature sets: names, globs, last:K, every:K, indices (default: all)',
    )
    .addOption(
      new Option(
        '--method <name>',
        'the score: LogME, TransRate, H-score, shrinkage H-score, or ridge validation accuracy',
      )
        .choices([...TRIAGE_METHODS])
        .default(DEFAULT_TRIAGE_METHOD),
    )
    .option(
      '--dims <n>',
      'project wider feature sets to this common dimension first',
      String(DEFAULT_TRIAGE_DIMS),
    )
    .option('--seed <n>', 'seed of the random projection', '1')
    .option(
      '--threads <n>',
      'threads reading and summing the rows, for large stores; the scores do not depend on it',
      '1',
    )
    .addHelpText(
      'after',
      `
Scores every stored feature set (layers and materialized derived views) against its labels on the
train split without training anything: standardised features, projected at random to a common
dimension, then LogME (You et al. 2021), TransRate (Huang et al. 2022), H-score or its Ledoit-Wolf
shrinkage form (Ibrahim et al. 2022), or the validation accuracy of a closed-form ridge head with its
λ chosen by GCV. Higher is better; rank 1 is the best. See docs/triage.md for how well each ranking
agreed with full training here. \`train --triage K\` trains only the top K. Sets that hold the same
values (one tensor under two names) are scored once and marked "same features as" the first; K counts
different sets.

Examples:
  layerlab triage --store ~/.cache/layerlab/stores/shapes-cnn--shapes--1a2b3c
  layerlab triage --store STORE --method logme --json
  layerlab triage --store STORE --layers 'block*' --method transrate --dims 64`,
    )
    .action(async (flags: TriageFlags, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const dims = integer(flags.dims, '--dims', 1);
      const seed = integer(flags.seed, '--seed', 0);
      const threads = integer(flags.threads, '--threads', 1);
      const sets = await storedSelection(flags.store, flags.layers ? flags.layers.split(',') : []);
      const { scoreFeatureSets } = await import('../../triage/score-feature-sets.js');
      const result = scoreFeatureSets(flags.store, sets, {
        method: flags.method,
        dims,
        seed,
        threads,
      });
      if (globals.json) {
        const layers = result.layers.map(({ layer, score, rank, dims: d, seconds, sameAs }) => ({
          layer,
          score: Number.isFinite(score) ? score : null,
          rank,
          dims: d,
          seconds,
          ...(sameAs === undefined ? {} : { sameAs }),
        }));
        process.stdout.write(
          `${JSON.stringify({ store: flags.store, method: result.method, layers, seconds: result.seconds })}\n`,
        );
      } else process.stdout.write(`${formatTriage(result)}\n`);
    });
}
