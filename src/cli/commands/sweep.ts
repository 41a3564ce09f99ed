import { basename } from 'node:path';
import type { Command } from 'commander';
import { homeLayout, resolveHome } from '../../core/paths.js';
import { ignoreEvents } from '../../core/events.js';
import { usageError } from '../../core/errors.js';
import type { GlobalOptions } from '../main.js';
import type { ClusterFlags } from './extract-cluster.js';
import { chooseOutputMode } from '../output-mode.js';
import { runWithOutput } from '../run-with-output.js';

interface SweepFlags extends ClusterFlags {
  schema?: boolean;
  resume?: string;
  restartFailed?: boolean;
}

const EXAMPLE = `
Sweep file (YAML or JSON; relative paths are resolved against the file's folder):
  model: builtin:shapes-cnn
  data: builtin:shapes            # or {ref, textColumn, labelColumn, split: {train, val, test}, seed}
  layers: blocks                  # selection syntax, or a list
  pooling: [mean, max]            # each pooling is a feature view of every layer
  views: [concat(last:2)]         # derived from stored vectors
  heads:
    lr: {values: [0.1, 0.03, 0.01]}
    l2: {log_uniform_values: [1.0e-5, 1.0e-2]}
    momentum: 0.9
    batchSize: {q_uniform: [32, 128, 32]}
  method: random                  # or grid
  run_cap: 48
  epochs: 8
  halving: 3                      # successive halving, keep the top 1/3 per rung
  metric: {name: accuracy, goal: maximize}
  seed: 1

Examples:
  layerlab sweep sweep.yaml
  layerlab sweep plan sweep.yaml
  layerlab sweep sweep.yaml --json | tail -1
  layerlab sweep sweep.yaml --resume run-20261121-093512-1a2b
  layerlab sweep --schema > sweep.schema.json
  layerlab sweep sweep.yaml --cluster redis://10.0.0.5:6379   # extract and train on the hosts (docs/cluster.md)`;

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('run a layer sweep declared in a YAML/JSON file (or `sweep plan FILE` to preview it)')
    .argument('[file]', 'the sweep file, or `plan` followed by the file')
    .argument('[planFile]', 'with `plan`: the sweep file')
    .option('--schema', 'print the JSON Schema of sweep files and exit')
    .option('--resume <run>', 'continue an interrupted sweep run: unfinished trials only')
    .option('--restart-failed', 'with --resume: also continue a sweep that failed (crashed)')
    .option(
      '--cluster [url]',
      "extract and train on the cluster's hosts (its Redis URL, or $LAYERLAB_CLUSTER); this process coordinates",
    )
    .option('--replicas <r>', 'with --cluster: copies of each shard, on distinct hosts (default 1)')
    .option(
      '--shards <s>',
      "with --cluster: shards the records are split into, one MOP worker each (default: the file's workers, else the workers registered)",
    )
    .addHelpText('after', EXAMPLE)
    .action(
      async (file: string | undefined, planFile: string | undefined, flags: SweepFlags, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>();
        if (flags.schema) {
          const { sweepJsonSchema } = await import('../../sweep/sweep-schema.js');
          process.stdout.write(`${JSON.stringify(sweepJsonSchema(), null, 2)}\n`);
          return;
        }
        const home = homeLayout(resolveHome(globals.home));
        if (file === 'plan') {
          if (!planFile) throw usageError('usage: layerlab sweep plan FILE');
          if (flags.cluster !== undefined)
            throw usageError('sweep plan previews a local extraction; drop --cluster (or plan)');
          const [{ formatPlan }, { parseSweepFile }, { extractForSweep }, { sweepTrials }] =
            await Promise.all([
              import('../../extract/format-extract.js'),
              import('../../sweep/parse-sweep.js'),
              import('../../sweep/run-sweep.js'),
              import('../../sweep/sweep-trials.js'),
            ]);
          const sweep = parseSweepFile(planFile);
          const { storeDir, extracted, featureSets } = await extractForSweep(sweep, home, ignoreEvents, {
            planOnly: true,
          });
          const trials = sweepTrials(sweep, featureSets, basename(storeDir));
          const plan = {
            type: 'plan',
            store: storeDir,
            featureSets,
            extraction: extracted.map((e) => ({ cached: e.cached, plan: e.plan })),
            trials,
          };
          if (globals.json) {
            process.stdout.write(`${JSON.stringify(plan)}\n`);
            return;
          }
          const lines = [
            `store ${storeDir}`,
            `feature sets (${featureSets.length}): ${featureSets.map((s) => s.layer).join(', ')}`,
          ];
          for (const e of extracted)
            lines.push(
              e.cached ? 'extraction: every feature set is stored; nothing to compute' : formatPlan(e.plan),
            );
          lines.push(`trials (${trials.length}):`);
          for (const t of trials)
            lines.push(`  ${t.id}  ${t.model.padEnd(5)} ${t.layer.padEnd(18)} ${JSON.stringify(t.head)}`);
          process.stdout.write(`${lines.join('\n')}\n`);
          return;
        }
        if (!file) throw usageError('usage: layerlab sweep FILE (see --help)');
        if (planFile)
          throw usageError(
            `unexpected argument ${planFile}; did you mean \`layerlab sweep plan ${planFile}\`?`,
          );
        if (flags.restartFailed && !flags.resume) throw usageError('--restart-failed goes with --resume RUN');
        if (flags.cluster === undefined && (flags.replicas !== undefined || flags.shards !== undefined))
          throw usageError(
            '--replicas and --shards place shards on a cluster; add --cluster URL, or drop them',
          );
        const [{ parseSweepFile }, { runSweep }] = await Promise.all([
          import('../../sweep/parse-sweep.js'),
          import('../../sweep/run-sweep.js'),
        ]);
        const sweep = parseSweepFile(file);
        // a resumed cluster sweep finds its cluster in LAYERLAB_CLUSTER too, as `train --resume` does
        const clusterFlag =
          flags.cluster ?? (flags.resume && process.env.LAYERLAB_CLUSTER ? true : undefined);
        const cluster =
          clusterFlag === undefined
            ? undefined
            : await (
                await import('./sweep-cluster.js')
              ).sweepCluster({ ...flags, cluster: clusterFlag }, sweep.workers, home.root);
        await runWithOutput(
          {
            mode: chooseOutputMode(globals),
            title: 'layerlab sweep',
            home,
            model: sweep.model,
            dataset: typeof sweep.data === 'string' ? sweep.data : sweep.data.ref,
          },
          (sink, signal) =>
            runSweep({
              sweep,
              home,
              sink,
              signal,
              ...(flags.resume ? { resume: flags.resume } : {}),
              ...(flags.restartFailed ? { restartFailed: true } : {}),
              ...(cluster ? { cluster } : {}),
            }),
        );
      },
    );
}
