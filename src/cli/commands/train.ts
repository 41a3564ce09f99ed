import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { homeLayout, resolveHome } from '../../core/paths.js';
import { usageError } from '../../core/errors.js';
import { resolveClusterUrl } from '../../cluster/cluster-url.js';
import type { RankingMetric } from '../../core/result.js';
import type { SearchMode } from '../../train/search/search.js';
import { DEFAULT_TRIAGE_METHOD, TRIAGE_METHODS, type TriageMethod } from '../../triage/methods.js';
import type { GlobalOptions } from '../main.js';
import { chooseOutputMode } from '../output-mode.js';
import { runWithOutput } from '../run-with-output.js';

/**
 * Without --heads: logistic regression, 2 learning rates × 2 L2 strengths, cosine-annealed. Parsed
 * when train runs: the parser (zod) is not loaded for --help (start-up time).
 */
export const DEFAULT_HEADS = {
  type: 'linear',
  lr: [0.1, 0.01],
  l2: [1e-4, 1e-2],
  momentum: 0.9,
  batchSize: 64,
  schedule: 'cosine',
};

interface TrainFlags {
  store?: string;
  layers?: string;
  heads?: string;
  epochs: string;
  workers: string;
  search: SearchMode;
  samples?: string;
  seed: string;
  metric: RankingMetric;
  halving?: string;
  groupMemory?: string;
  groups?: boolean;
  minGroupRecords?: string;
  resume?: string;
  triage?: string;
  triageMethod: TriageMethod;
  cluster?: string;
}

function positiveInt(value: string, flag: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw usageError(`${flag} must be an integer ≥ ${min}, got ${value}`);
  // past 2^53 a number no longer counts one by one (and the run would never end)
  if (!Number.isSafeInteger(n))
    throw usageError(`${flag} ${value} is too large; pass at most ${Number.MAX_SAFE_INTEGER}`);
  return n;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train every layer × head configuration of a feature store with MOP (never extracts)')
    .option(
      '--store <dir>',
      'the feature store folder to train on (see `layerlab store ls`); with --cluster, a cluster store id',
    )
    .option(
      '--cluster <url>',
      'train on a cluster store across hosts (redis://…); this process coordinates (resume: else LAYERLAB_CLUSTER)',
    )
    .option(
      '--layers <selectors>',
      'stored feature sets: names, globs, last:K, every:K, indices (default: all)',
    )
    .option('--heads <file>', 'head search space, YAML or JSON (default: 2 lr × 2 l2 of logistic regression)')
    .option('--epochs <n>', 'training epochs', '10')
    .option(
      '--workers <n>',
      "MOP workers, one data shard each (default: the number of cores; with --cluster, the store's shards)",
      String(availableParallelism()),
    )
    .addOption(
      new Option('--search <mode>', 'expand the space as a grid or by random draws')
        .choices(['grid', 'random'])
        .default('grid'),
    )
    .option('--samples <n>', 'random search: configurations to draw (default 10)')
    .option('--seed <n>', 'seed for sharding, initialisation, scheduling, dropout and sampling', '1')
    .addOption(
      new Option('--metric <name>', 'validation metric models are ranked by')
        .choices(['accuracy', 'macro_f1'])
        .default('accuracy'),
    )
    .option(
      '--halving <eta>',
      'successive halving (ASHA): keep the top 1/eta per rung at epochs 1, eta, eta², …',
    )
    .option(
      '--group-memory <MB>',
      'memory budget of one fused head group; larger groups are split (default 512)',
    )
    .option(
      '--groups',
      "also train every model once per data group of the store (one scan for all groups) and pick each group's best layer and head",
    )
    .option('--min-group-records <n>', '--groups: skip groups with fewer train records (default 10)')
    .option(
      '--triage <K>',
      'score the selected layers in closed form first (see `layerlab triage`) and train only the best K',
    )
    .addOption(
      new Option('--triage-method <name>', 'the score --triage ranks by')
        .choices([...TRIAGE_METHODS])
        .default(DEFAULT_TRIAGE_METHOD),
    )
    .option(
      '--resume <run>',
      'continue a run (id or folder) that crashed or was killed; other flags come from the run',
    )
    .addHelpText(
      'after',
      `
Every selected layer × every head configuration is a model. Heads that read the same layer with the
same batch size are fused into one ONNX training graph; the fused groups hop across one data shard per
worker (Model Hopper Parallelism), every group visiting every shard once per epoch. The run is recorded
under the home's runs/ folder: steer it from \`layerlab ui\` (stop, resume, clone, add: applied between
epochs), and continue it with --resume after a crash or kill.

Head search space file (keys: type, hidden, lr, l2, batchSize, optimizer, momentum, dropout, and
optionally schedule, classWeight, layer); each a value, a list (grid axis) or a distribution:
  type: [linear, mlp]          # or ridge: solved in closed form, λ by GCV, no epochs
  hidden: [64, 128]            # one hidden layer of 64 or of 128; two layers: "256x128"
  lr: {log_uniform_values: [1e-4, 1e-1]}
  l2: [0, 1e-4]
  optimizer: [sgd, adam]
  momentum: 0.9                # SGD only
  dropout: {uniform: [0, 0.5]} # MLP only
  batchSize: 64
  schedule: cosine             # or constant
  classWeight: balanced        # or none

Examples:
  layerlab train --store ~/.cache/layerlab/stores/shapes-cnn--shapes--1a2b3c --workers 2
  layerlab train --store STORE --layers 'last:2' --heads heads.yaml --epochs 20 --json | tail -1
  layerlab train --store STORE --heads heads.yaml --search random --samples 40 --halving 3
  layerlab train --store STORE --triage 3                 # train the 3 best-scored layers only
  layerlab train --store STORE --groups && layerlab results RUN --by group
  layerlab train --resume run-20261121-093512-1a2b
  layerlab train --cluster redis://10.0.0.5:6379 --store cs-1a2b3c4d --epochs 20   # across hosts (docs/cluster.md)`,
    )
    .action(async (flags: TrainFlags, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const home = homeLayout(resolveHome(globals.home));
      if (!flags.store && !flags.resume) throw usageError('train needs --store DIR, or --resume RUN');
      const clusterFlag = flags.cluster ?? (flags.resume ? process.env.LAYERLAB_CLUSTER : undefined);
      const clusterUrl = clusterFlag ? resolveClusterUrl(clusterFlag) : undefined;
      // on a cluster the workers are the store's shards unless given
      const workersGiven = command.getOptionValueSource('workers') !== 'default';
      const options = {
        home,
        layers: flags.layers ? flags.layers.split(',') : [],
        search: flags.search,
        epochs: positiveInt(flags.epochs, '--epochs'),
        workers: clusterUrl && !workersGiven ? 0 : positiveInt(flags.workers, '--workers'),
        seed: Number.isInteger(Number(flags.seed))
          ? Number(flags.seed)
          : positiveInt(flags.seed, '--seed', 0),
        metric: flags.metric,
        ...(flags.store ? { store: flags.store } : {}),
        ...(flags.samples ? { samples: positiveInt(flags.samples, '--samples') } : {}),
        ...(flags.halving ? { halving: positiveInt(flags.halving, '--halving', 2) } : {}),
        ...(flags.groupMemory
          ? { maxGroupBytes: positiveInt(flags.groupMemory, '--group-memory') * 2 ** 20 }
          : {}),
        ...(flags.groups ? { groups: true } : {}),
        ...(flags.minGroupRecords
          ? { minGroupRecords: positiveInt(flags.minGroupRecords, '--min-group-records') }
          : {}),
        ...(flags.resume ? { resume: flags.resume } : {}),
        ...(flags.triage
          ? { triage: { keep: positiveInt(flags.triage, '--triage'), method: flags.triageMethod } }
          : {}),
      };
      // the trainer (ONNX Runtime, lmdb, zod) loads once the flags are known to be good
      const [{ parseHeadSpace, readHeadSpaceFile }, { runTrain, trainRunRefs }, cluster] = await Promise.all([
        import('../../train/search/search-space.js'),
        import('../../pipeline/train-run.js'),
        clusterUrl ? import('../../cluster/cluster-training.js') : undefined,
      ]);
      const space = flags.heads ? readHeadSpaceFile(flags.heads) : parseHeadSpace(DEFAULT_HEADS);
      await runWithOutput(
        {
          mode: chooseOutputMode(globals),
          title: 'layerlab train',
          home,
          // the store's manifest names the model and dataset (its folder name is only a slug)
          ...trainRunRefs(home, options),
        },
        (sink, signal) =>
          runTrain({
            ...options,
            space,
            sink,
            signal,
            ...(cluster && clusterUrl ? { cluster: cluster.clusterTraining(clusterUrl) } : {}),
          }),
      );
    });
}
