import { resolve } from 'node:path';
import type { Command } from 'commander';
import { homeLayout, resolveHome } from '../../core/paths.js';
import { ignoreEvents } from '../../core/events.js';
import type { GlobalOptions } from '../main.js';
import { jsonLines } from '../json-lines.js';
import { interruptSignal } from '../interrupt.js';

interface PredictFlags {
  run: string;
  data: string;
  head?: string;
  out: string;
  textColumn?: string;
  labelColumn?: string;
  idColumn?: string;
  imageColumn?: string;
  groupColumn?: string;
  table?: string;
  query?: string;
  /** false with --no-groups */
  groups: boolean;
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description("apply a run's best (or a chosen) head to data, writing one prediction per record")
    .requiredOption('--run <run>', 'a finished run (id or folder)')
    .requiredOption('--data <ref>', 'the data to predict: same kinds of refs as extract')
    .option('--head <id>', "a model id of the run (see `layerlab results RUN`); default: the run's best")
    .option('--out <file>', 'the CSV (or, ending in .parquet, Parquet) file to write', 'predictions.csv')
    .option('--text-column <name>', 'tables: the text column')
    .option('--label-column <name>', 'tables: the label column')
    .option('--id-column <name>', 'tables: the record id (default: the primary key, else the row number)')
    .option('--image-column <name>', 'tables: image bytes (BLOB/bytea) or a path relative to the table')
    .option('--group-column <name>', 'tables: a column grouping the records')
    .option('--table <name>', 'databases (postgresql://, .sqlite, .duckdb): the table to read')
    .option('--query <sql>', 'databases: a SELECT whose rows are the records')
    .option(
      '--no-groups',
      'a `train --groups` run: apply the shared head to every record instead of routing by group',
    )
    .addHelpText(
      'after',
      `
Features of the head's layer are extracted with the exact preprocessing the head was trained with,
into the feature store for that data, so predicting twice on the same data runs the backbone once.
The CSV has a header row: id, prediction (the class name), then p_<class> probabilities, one row per
record in the dataset's canonical order; an --out ending in .parquet writes the same columns as Parquet.
For a run trained with --groups, each record goes to its group's best model (results.json
groups[].best: its own layer and configuration, with the weights trained on that group), or with
--head to that model's copy trained on its group; the group is the one its store gives it
(--group-column, or the data's own groups). A record without a group, or of a group with no head of
its own, gets the shared head (the run's best, or --head). Two more columns say which: group, and
head (group or shared).

Examples:
  layerlab predict --run run-20261121-093512-1a2b --data ./new-images --out preds.csv
  layerlab predict --run RUN --head m7 --data reviews.csv --text-column review --json
  layerlab predict --run RUN --data postgresql://me@db/zoo --table new_photos --out preds.parquet`,
    )
    .action(async (flags: PredictFlags, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const home = homeLayout(resolveHome(globals.home));
      const [
        { loadHeadBundle },
        { predict, writePredictionsCsv },
        { resolveRunDir },
        { createPlainPrinter },
        { loadGroupedHeads, loadGroupBestHeads },
      ] = await Promise.all([
        import('../../deploy/head-bundle.js'),
        import('../../deploy/predict.js'),
        import('../../report/load-report.js'),
        import('../../ui/plain-output.js'),
        import('../../deploy/grouped-heads.js'),
      ]);
      const runDir = resolveRunDir(home.runs, flags.run);
      const bundle = loadHeadBundle(runDir, flags.head);
      // a grouped run without --head: each group's own best model; with --head: that model's copies
      const groupBest = flags.groups && !flags.head ? loadGroupBestHeads(runDir) : undefined;
      const groups = flags.groups && !groupBest ? loadGroupedHeads(runDir, bundle) : undefined;
      const out = jsonLines();
      const sink = globals.json
        ? out.sink
        : globals.quiet
          ? ignoreEvents
          : createPlainPrinter((line) => process.stderr.write(`${line}\n`));
      const interrupt = interruptSignal();
      try {
        const predictions = await predict({
          bundle,
          ...(groups ? { groups } : {}),
          ...(groupBest ? { groupBest } : {}),
          data: flags.data,
          dataOptions: {
            ...(flags.textColumn ? { textColumn: flags.textColumn } : {}),
            ...(flags.labelColumn ? { labelColumn: flags.labelColumn } : {}),
            ...(flags.idColumn ? { idColumn: flags.idColumn } : {}),
            ...(flags.imageColumn ? { imageColumn: flags.imageColumn } : {}),
            ...(flags.groupColumn ? { groupColumn: flags.groupColumn } : {}),
            ...(flags.table ? { table: flags.table } : {}),
            ...(flags.query ? { query: flags.query } : {}),
          },
          storesRoot: home.stores,
          sink,
          signal: interrupt.signal,
        });
        const path = resolve(flags.out);
        if (path.toLowerCase().endsWith('.parquet')) {
          const { writePredictionsParquet } = await import('../../deploy/predictions-parquet.js');
          await writePredictionsParquet(path, predictions);
        } else writePredictionsCsv(path, predictions);
        const summary = {
          type: 'result',
          run: bundle.run,
          head: bundle.modelId,
          layer: bundle.featureSet.layer,
          out: path,
          records: predictions.ids.length,
          store: predictions.store,
          cached: predictions.cached,
          ...(predictions.routing
            ? {
                groups: {
                  own: predictions.routing.own.filter(Boolean).length,
                  shared: predictions.routing.own.filter((own) => !own).length,
                },
              }
            : {}),
        };
        if (globals.json) out.result(summary);
        else
          process.stdout.write(
            `${path}: ${predictions.ids.length} predictions by ${bundle.modelId} on ${bundle.featureSet.layer}${
              summary.groups
                ? ` (${summary.groups.own} by their group's head, ${summary.groups.shared} by the shared head)`
                : ''
            }\n`,
          );
      } finally {
        interrupt.dispose();
      }
    });
}
