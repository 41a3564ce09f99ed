import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { usageError } from '../../core/errors.js';
import type { EventSink } from '../../core/events.js';
import { homeLayout, resolveHome } from '../../core/paths.js';
import type { ExtractResult } from '../../extract/extract.js';
import type { ExtractFlags } from '../../extract/extract-config.js';
import { interruptSignal } from '../interrupt.js';
import type { ClusterFlags } from './extract-cluster.js';
import { jsonLines } from '../json-lines.js';
import type { GlobalOptions } from '../main.js';
import { chooseOutputMode } from '../output-mode.js';

/** The result line of `--json` (docs/contract.md, "Result fields"). */
function resultDocument(result: ExtractResult) {
  return {
    type: 'result',
    store: result.store,
    cached: result.cached,
    featureSets: result.featureSets.map(({ layer, dims, records, key, reused, status, computedRecords }) => ({
      layer,
      dims,
      records,
      key,
      reused,
      ...(status ? { status } : {}),
      ...(computedRecords === undefined ? {} : { computedRecords }),
    })),
    plan: result.plan,
    seconds: result.seconds,
    skipped: result.skipped,
    ...(result.dryRun ? { dryRun: true } : {}),
    ...(result.appended ? { appended: result.appended } : {}),
  };
}

export function registerExtract(program: Command): void {
  program
    .command('extract')
    .description('materialize layer features of a model on a dataset into the feature store (once, ever)')
    .argument('<model>', 'an .onnx file, a transformers.js folder, a TF.js model.json or builtin:NAME')
    .argument(
      '<data>',
      'a folder of class sub-folders of images, a .csv/.tsv/.jsonl file, IDX files, a .parquet file or folder, a .sqlite/.db/.duckdb file, a postgresql:// URL or builtin:NAME',
    )
    .option(
      '--layers <selectors>',
      'capture points: names, block names, globs, blocks, last:K, every:K, block indices',
      'blocks',
    )
    .option('--pool <pooling>', 'mean | max | cls | grid:K | none', 'mean')
    .option('--store <dir>', 'an explicit store folder (default: content-addressed under the home)')
    .option('--memory <size>', 'memory budget for the plan, e.g. 2G (default: half the free memory)')
    .addOption(
      new Option('--dtype <dtype>', 'storage precision').choices(['float32', 'float16']).default('float32'),
    )
    .option('--batch-size <n>', 'use this batch size (default: the largest that fits, up to 128)')
    .option('--threads <n>', 'ONNX Runtime threads (default: all cores)')
    .addOption(
      new Option('--strategy <plan>', 'force a plan (lazy: one pass per layer, a benchmark baseline)')
        .choices(['auto', 'one-pass', 'staged', 'lazy'])
        .default('auto'),
    )
    .option('--plan', 'print the plan and its forecast (RAM, store bytes, time) without extracting')
    .option('--strict', 'fail on the first record that cannot be read instead of skipping it')
    .option('--text-column <name>', 'tables: the text column (default: text or sentence)')
    .option('--label-column <name>', 'tables: the label column (default: label or class)')
    .option('--split-column <name>', 'tables: a column of train/val/test per row')
    .option('--id-column <name>', 'tables: the record id (default: the primary key, else the row number)')
    .option('--image-column <name>', 'tables: image bytes (BLOB/bytea) or a path relative to the table')
    .option('--group-column <name>', 'tables: a column grouping the records')
    .option('--table <name>', 'databases (postgresql://, .sqlite, .duckdb): the table to read')
    .option('--query <sql>', 'databases: a SELECT whose rows are the records')
    .option('--split <fractions>', 'train,val,test fractions (default 0.7,0.15,0.15), by record hash')
    .option('--seed <n>', 'seed of the split', '0')
    .option('--resize <h,w>', 'image size the model takes (default: its static input size)')
    .option('--scale <s>', 'multiplied into every pixel byte (default 1/255)')
    .option('--mean <a,b,c>', 'per-channel mean subtracted after scaling')
    .option('--std <a,b,c>', 'per-channel std divided after the mean')
    .addOption(
      new Option('--channels <order>', 'channel order the model takes').choices(['rgb', 'bgr', 'gray']),
    )
    .addOption(new Option('--layout <layout>', 'tensor layout the model takes').choices(['nchw', 'nhwc']))
    .option('--max-length <n>', 'text: tokens per text')
    .option(
      '--cluster [url]',
      "extract on the cluster's hosts (its Redis URL, or $LAYERLAB_CLUSTER): each host extracts its shards",
    )
    .option('--replicas <r>', 'with --cluster: copies of each shard, on distinct hosts', '1')
    .option(
      '--shards <s>',
      'with --cluster: shards the records are split into (default: the workers registered)',
    )
    .addOption(new Option('--progress-ms <ms>', 'progress events at most this often').hideHelp())
    .addHelpText(
      'after',
      `
Each (model, preprocessing, layer, pooling, dataset) feature set is computed at most once: a re-run
reuses it (cached: true), new layers compute only themselves, and a grown dataset (new files, appended
rows) extracts only its new records. Ctrl-C stops between batches (exit 130); a killed extraction
resumes from its first missing batch.

Examples:
  layerlab extract builtin:shapes-cnn builtin:shapes
  layerlab extract resnet18.onnx ~/data/pets --layers last:4 --memory 4G
  layerlab extract resnet18.onnx ~/data/pets --plan
  layerlab extract model.onnx fashion-mnist/ --resize 32,32 --dtype float16 --json | tail -1
  layerlab extract model.onnx cifar10-jpg/train --pool none --strategy staged
  layerlab extract model.onnx labels.csv --image-column file --label-column species
  layerlab extract model.onnx photos.parquet --image-column jpeg --id-column photo_id
  layerlab extract model.onnx postgresql://me@db:5432/zoo --table photos --image-column jpeg
  layerlab extract model.onnx zoo.sqlite --query 'SELECT id, jpeg, species FROM photos WHERE ok'
  layerlab extract resnet18.onnx /shared/pets --cluster redis://10.0.0.5:6379 --replicas 2

A PostgreSQL password is best kept out of the ref (PGPASSWORD or ~/.pgpass); it is never printed
or recorded either way.`,
    )
    .action(async (model: string, data: string, flags: ExtractFlags & ClusterFlags, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (flags.cluster !== undefined) {
        const { runClusterExtract } = await import('./extract-cluster.js');
        return runClusterExtract(model, data, flags, globals);
      }
      if (command.getOptionValueSource('replicas') === 'cli' || flags.shards !== undefined)
        throw usageError(
          '--replicas and --shards place shards on a cluster; add --cluster URL, or drop them',
        );
      // the engines (ONNX Runtime, sharp, lmdb) load when extract runs, not for --help (start-up time)
      const [
        { loadBackbone },
        { selectLayers },
        { openDataset },
        { extract, storeDirFor },
        { resolveExtractConfig },
        { formatExtractResult, formatPlan },
        { createPlainPrinter },
      ] = await Promise.all([
        import('../../backbone/load-backbone.js'),
        import('../../backbone/select-layers.js'),
        import('../../data/open-dataset.js'),
        import('../../extract/extract.js'),
        import('../../extract/extract-config.js'),
        import('../../extract/format-extract.js'),
        import('../../ui/plain-output.js'),
      ]);
      const config = resolveExtractConfig(flags);
      const home = homeLayout(resolveHome(globals.home));
      const mode = chooseOutputMode(globals);
      // The dataset's scan and hashing overlap the model's load and discovery (start-up time); a
      // bad model is still the error reported, and a dataset opened meanwhile is closed.
      const opening = openDataset(data, { ...config.data, cacheDir: join(home.root, 'cache') });
      opening.catch(() => {}); // awaited below; this only keeps a failure from going unhandled meanwhile
      const backbone = await loadBackbone(model, { home: home.root }).catch(async (error: unknown) => {
        await opening.then((d) => d.close?.()).catch(() => {});
        throw error;
      });
      const dataset = await opening;
      const interrupt = interruptSignal();
      try {
        const notes: string[] = [];
        const points = selectLayers(backbone.points, config.layers, backbone.excludedTensors, (note) =>
          notes.push(note),
        );
        const preprocess = backbone.resolvePreprocess(config.preprocess);
        const storeDir = config.store ?? storeDirFor(home.stores, backbone, dataset, preprocess);
        const json = mode === 'json' ? jsonLines() : undefined;
        // on a terminal the live view shows the extraction; Ink is loaded only then
        const live =
          mode === 'ink' && !config.planOnly
            ? (await import('../../ui/live-view.js')).startLiveView({
                title: 'layerlab extract',
                model,
                dataset: dataset.ref,
                interactive: false,
              })
            : undefined;
        const plain = createPlainPrinter((line) => process.stderr.write(`${line}\n`));
        const sink: EventSink = json
          ? json.sink
          : live
            ? live.sink
            : globals.quiet
              ? (event) => {
                  if (event.type === 'log' && event.level === 'warn') plain(event);
                }
              : plain;
        for (const message of notes) sink({ type: 'log', level: 'warn', message });
        const result = await extract({
          backbone,
          dataset,
          points,
          pooling: config.pooling,
          preprocess,
          storeDir,
          sink: config.planOnly && json ? () => {} : sink,
          signal: interrupt.signal,
          dtype: config.dtype,
          strategy: config.strategy,
          strict: config.strict,
          planOnly: config.planOnly,
          ...(config.memoryBudgetBytes ? { memoryBudgetBytes: config.memoryBudgetBytes } : {}),
          ...(config.batchSize ? { batchSize: config.batchSize } : {}),
          ...(config.threads ? { threads: config.threads } : {}),
          ...(config.progressIntervalMs === undefined
            ? {}
            : { progressIntervalMs: config.progressIntervalMs }),
        }).catch(async (error: unknown) => {
          await live?.fail(error instanceof Error ? error : new Error(String(error)));
          throw error;
        });
        await live?.end();
        if (json) json.result(resultDocument(result));
        else {
          if (config.planOnly) process.stdout.write(`${formatPlan(result.plan)}\n\n`);
          process.stdout.write(`${formatExtractResult(result)}\n`);
        }
      } finally {
        interrupt.dispose();
        await dataset.close?.();
      }
    });
}
