import type { Command } from 'commander';
import { homeLayout, resolveHome } from '../../core/paths.js';
import { usageError } from '../../core/errors.js';
import type { HeadConfig } from '../../train/heads/head-config.js';
import type { GlobalOptions } from '../main.js';
import { chooseOutputMode } from '../output-mode.js';
import { runWithOutput } from '../run-with-output.js';

export const DEMO_MODEL = 'builtin:shapes-cnn';
export const DEMO_DATA = 'builtin:shapes';

/** The demo grid: 2 learning rates × 2 L2 strengths of logistic regression on every layer. */
export function demoHeads(): HeadConfig[] {
  return [0.1, 0.01].flatMap((lr) =>
    [1e-4, 1e-2].map((l2): HeadConfig => ({
      type: 'linear',
      lr,
      l2,
      batchSize: 64,
      momentum: 0.9,
      optimizer: 'sgd',
      lrSchedule: 'cosine',
    })),
  );
}

interface DemoOptions {
  workers: string;
  epochs: string;
  seed: string;
  layers: string;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`${flag} must be a positive integer, got ${value}`);
  return n;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(`run the whole pipeline on the embedded default (${DEMO_MODEL} on ${DEMO_DATA})`)
    .option('--workers <n>', 'MOP worker threads, one shard each', '2')
    .option('--epochs <n>', 'training epochs', '10')
    .option('--seed <n>', 'seed for shards, initialisation and scheduling', '1')
    .option('--layers <selectors>', 'capture points to extract (see `layerlab layers`)', 'blocks')
    .addHelpText(
      'after',
      `
The embedded CNN was pre-trained on the shapes task of a synthetic dataset; the demo transfers it to
the texture task of fresh images, capturing every block in one pass per batch, and trains
2 learning rates x 2 L2 values of logistic regression per layer with Model Hopper Parallelism.
A second run reuses the feature store.

Examples:
  layerlab demo
  layerlab demo --json | tail -1
  layerlab --home /tmp/ll demo --workers 2 --epochs 4`,
    )
    .action(async (options: DemoOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const home = homeLayout(resolveHome(globals.home));
      const mode = chooseOutputMode(globals);
      const { runLayerSearch } = await import('../../pipeline/layer-search.js');
      await runWithOutput(
        { mode, title: 'layerlab demo', model: DEMO_MODEL, dataset: DEMO_DATA, home },
        (sink, signal) =>
          runLayerSearch({
            model: DEMO_MODEL,
            data: DEMO_DATA,
            layers: options.layers.split(','),
            pooling: 'mean',
            heads: demoHeads(),
            epochs: positiveInt(options.epochs, '--epochs'),
            workers: positiveInt(options.workers, '--workers'),
            seed: Number(options.seed),
            home,
            command: 'demo',
            sink,
            signal,
          }),
      );
    });
}
