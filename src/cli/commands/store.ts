import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { LayerlabError, usageError } from '../../core/errors.js';
import { formatBytes } from '../../core/format-bytes.js';
import { homeLayout, resolveHome } from '../../core/paths.js';
import type { ExportFormat } from '../../store/export-features.js';
import type { GlobalOptions } from '../main.js';
import { reportError } from '../report-error.js';
import { listStoreDirs } from '../../store/store-dirs.js';
import { readStoreListing } from '../../store/store-listing.js';
import { registerStoreGroup } from './store-group.js';

// The store library (and lmdb under it) loads when a subcommand runs, not for --help (start-up time).
const catalog = () => import('../../store/store-catalog.js');
const formats = () => import('../../store/format-store.js');

const print = (json: boolean | undefined, doc: unknown, text: () => string) =>
  process.stdout.write(json ? `${JSON.stringify(doc)}\n` : `${text()}\n`);

function storesRoot(command: Command): { root: string; json: boolean | undefined } {
  const globals = command.optsWithGlobals<GlobalOptions>();
  return { root: homeLayout(resolveHome(globals.home)).stores, json: globals.json };
}

/**
 * Each store's summary; a store another process is creating right now is left out, and said so. A
 * store's listing file, while current, stands in for its LMDB file (no native engine to load). A
 * damaged store does not hide the others: it is listed under `unreadable` with its problem and fix.
 */
async function summarizeStores(dirs: readonly string[], json: boolean | undefined) {
  const listed = dirs.map(readStoreListing);
  if (listed.every((summary) => summary !== undefined)) return { stores: listed };
  const { summarizeStore } = await catalog();
  const unreadable: { id: string; dir: string; problem: string }[] = [];
  const stores = dirs.flatMap((dir, i) => {
    try {
      return [listed[i] ?? summarizeStore(dir)];
    } catch (error) {
      if (!(error instanceof LayerlabError)) throw error;
      if (error.code === 'STORE_LOCKED') {
        if (!json) process.stderr.write(`layerlab: ${error.message}\n`);
      } else unreadable.push({ id: basename(dir), dir, problem: error.message });
      return [];
    }
  });
  return unreadable.length > 0 ? { stores, unreadable } : { stores };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** What gc removed from one store, as words: feature sets, rows of deleted records, or nothing. */
const removedParts = (r: { layers?: string[]; retiredRows?: number }) =>
  [
    ...(r.layers ?? []),
    ...(r.retiredRows ? [`${r.retiredRows} rows of deleted or changed records`] : []),
  ].join(', ') || 'nothing';

export function registerStore(program: Command): void {
  const store = program
    .command('store')
    .description('list, inspect, verify, export and clean up feature stores')
    .addHelpText(
      'after',
      `
A STORE is a store folder, or a store id (its folder name under <home>/stores) or a prefix of one.

Examples:
  layerlab store ls
  layerlab store info shapes-cnn--shapes
  layerlab store verify shapes-cnn--shapes
  layerlab store export shapes-cnn--shapes --layer block3/relu --format npy --out features/
  layerlab store gc --compact`,
    );
  registerStoreGroup(store);

  store
    .command('ls')
    .description('list the stores under the home with their feature sets and sizes')
    .option(
      '--cluster [url]',
      "list the cluster's stores (its Redis URL, or $LAYERLAB_CLUSTER) with their shard placement",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  layerlab store ls\n  layerlab --home /data/ll store ls --json\n  layerlab store ls --cluster redis://10.0.0.5:6379',
    )
    .action(async (options: { cluster?: string | true }, command: Command) => {
      const { root, json } = storesRoot(command);
      if (options.cluster !== undefined) {
        const { listClusterStores } = await import('./store-cluster.js');
        return listClusterStores(options.cluster === true ? undefined : options.cluster, json === true);
      }
      // with no store to read, the catalog (and lmdb under it) is never loaded
      const dirs = listStoreDirs(root);
      const [listing, { formatStoreList }] = await Promise.all([summarizeStores(dirs, json), formats()]);
      print(json, listing, () => formatStoreList(listing.stores, root));
      if (!json)
        for (const damaged of listing.unreadable ?? [])
          process.stderr.write(`layerlab: ${damaged.problem}\n`);
    });

  store
    .command('info')
    .description("show a store's manifest: model, dataset, label map, split, preprocessing, feature sets")
    .argument('<store>', 'store folder or id')
    .addHelpText(
      'after',
      '\nExamples:\n  layerlab store info shapes-cnn--shapes\n  layerlab store info ./my-store --json',
    )
    .action(async (ref: string, _options: unknown, command: Command) => {
      const { root, json } = storesRoot(command);
      const [{ resolveStoreRef, summarizeStore }, { formatStoreInfo }] = await Promise.all([
        catalog(),
        formats(),
      ]);
      const summary = summarizeStore(resolveStoreRef(ref, root));
      print(json, summary, () => formatStoreInfo(summary));
    });

  store
    .command('verify')
    .description('recompute the hash of every stored batch; exits 65 when any differs')
    .argument('<store>', 'store folder or id')
    .option('--layer <name>', 'only this feature set (repeatable)', collect)
    .addHelpText(
      'after',
      '\nExamples:\n  layerlab store verify shapes-cnn--shapes\n  layerlab store verify ./my-store --layer block2/relu --json',
    )
    .action(async (ref: string, options: { layer?: string[] }, command: Command) => {
      const { root, json } = storesRoot(command);
      const [{ resolveStoreRef }, { formatVerification }, { verifyStore }] = await Promise.all([
        catalog(),
        formats(),
        import('../../store/verify-store.js'),
      ]);
      const report = verifyStore(resolveStoreRef(ref, root), options.layer ? { keys: options.layer } : {});
      print(json, report, () => formatVerification(report));
      if (!report.ok)
        process.exitCode = reportError(
          new LayerlabError(
            'BAD_DATA',
            `store ${report.store} failed verification (${report.problems[0] ?? 'see the report'}); re-extract the damaged feature sets after \`layerlab store gc --layer\``,
          ),
          json === true,
        );
    });

  store
    .command('export')
    .description('write a feature set (features, labels, split) as .npy files or CSV for Python')
    .argument('<store>', 'store folder or id')
    .option('--layer <name>', 'the feature view, as `layerlab store info` lists it')
    .option(
      '--view <view>',
      'a derived view over the last K stored layers: sum(last:K), mean(last:K), concat(last:K)',
    )
    .addOption(
      new Option('--format <format>', 'npy, csv or parquet')
        .choices(['npy', 'csv', 'parquet'])
        .default('npy'),
    )
    .option('--all', 'parquet: one table (features.parquet) with a FLOAT[] column per feature set')
    .requiredOption('--out <dir>', 'folder to write into')
    .addHelpText(
      'after',
      `
npy writes features.npy (float32), labels.npy (int64), split.npy (uint8: 0 train, 1 val, 2 test) and
meta.json (layer, pooling, dims, label names, record ids), rows in the dataset's canonical order.
csv writes features.csv (id, label, split, f0..) and meta.json.
parquet writes one <layer>.parquet per feature set (every set of the store unless --layer/--view
names one): columns id, label (int64), split (uint8) and features (FLOAT[]), the same values as
.npy; with --all, one features.parquet with a FLOAT[] column per set. pandas, polars and DuckDB
read them.

Examples:
  layerlab store export shapes-cnn--shapes --layer block3/relu --out features/
  layerlab store export ./my-store --view 'concat(last:2)' --format csv --out features/
  layerlab store export ./my-store --format parquet --all --out features/
  python -c "import numpy as np; x = np.load('features/features.npy'); print(x.shape)"
  duckdb -c "SELECT id, label, len(features) FROM 'features/block3_relu.parquet' LIMIT 3"`,
    )
    .action(
      async (
        ref: string,
        options: {
          layer?: string;
          view?: string;
          format: ExportFormat | 'parquet';
          all?: boolean;
          out: string;
        },
        command: Command,
      ) => {
        const { root, json } = storesRoot(command);
        if (options.all && options.format !== 'parquet')
          throw usageError('--all is for --format parquet; drop it or add --format parquet');
        if (options.format !== 'parquet' && !options.layer && !options.view)
          throw usageError('pass --layer NAME or --view V; `layerlab store info STORE` lists the layers');
        const [{ resolveStoreRef }, { FeatureStore }, { exportFeatures }, { exportParquet }] =
          await Promise.all([
            catalog(),
            import('../../store/feature-store.js'),
            import('../../store/export-features.js'),
            import('../../store/export-parquet.js'),
          ]);
        const opened = FeatureStore.open(resolveStoreRef(ref, root), { write: false });
        try {
          const selection = {
            ...(options.layer ? { layer: options.layer } : {}),
            ...(options.view ? { view: options.view } : {}),
            out: options.out,
          };
          const summary =
            options.format === 'parquet'
              ? await exportParquet(opened, { ...selection, all: options.all === true })
              : await exportFeatures(opened, { ...selection, format: options.format });
          print(
            json,
            summary,
            () =>
              `wrote ${summary.files.join(', ')} to ${summary.out}: ${summary.rows} rows × ${summary.dims} (${summary.layer})`,
          );
        } finally {
          opened.close();
        }
      },
    );

  store
    .command('gc')
    .description('remove stores or feature sets (refused while one is being read or written)')
    .argument('[store]', 'store folder or id (default: every store under the home)')
    .option('--layer <name>', 'remove this feature set (repeatable)', collect)
    .option('--all', 'remove the whole store')
    .option('--compact', 'shrink the file afterwards so the space returns to the disk')
    .option('--dry-run', 'say what would be removed')
    .addHelpText(
      'after',
      `
Without --layer or --all, removes what nothing uses: feature sets whose extraction stopped and was not
resumed, staged boundaries left behind, and the rows of records deleted or changed in the source
(extraction sets them aside; gc rewrites the feature sets without them).

Examples:
  layerlab store gc
  layerlab store gc shapes-cnn--shapes --layer block1/relu --compact
  layerlab store gc shapes-cnn--shapes --all`,
    )
    .action(
      async (
        ref: string | undefined,
        options: { layer?: string[]; all?: boolean; compact?: boolean; dryRun?: boolean },
        command: Command,
      ) => {
        const { root, json } = storesRoot(command);
        if (options.all && !ref)
          throw usageError('--all removes one store: name it (`layerlab store ls` lists them)');
        if (options.all && options.layer) throw usageError('pass --all or --layer, not both');
        const [{ listStoreDirs, resolveStoreRef }, { collectGarbage, removeStore }] = await Promise.all([
          catalog(),
          import('../../store/gc-store.js'),
        ]);
        const dirs = ref ? [resolveStoreRef(ref, root)] : listStoreDirs(root);
        const removed: {
          store: string;
          layers?: string[];
          whole?: boolean;
          reclaimedBytes?: number;
          retiredRows?: number;
        }[] = [];
        for (const dir of dirs) {
          if (options.all) {
            if (!options.dryRun) removeStore(dir);
            removed.push({ store: dir, whole: true });
            continue;
          }
          let report;
          try {
            report = await collectGarbage(dir, {
              ...(options.layer ? { layers: options.layer } : {}),
              compact: options.compact === true,
              dryRun: options.dryRun === true,
            });
          } catch (error) {
            // gc over every store: a damaged one is named (with its fix) and the others are still cleaned
            if (ref || !(error instanceof LayerlabError) || error.code !== 'BAD_DATA') throw error;
            if (!json) process.stderr.write(`layerlab: ${error.message}\n`);
            continue;
          }
          if (report.removed.length > 0 || report.reclaimedBytes || report.retiredRows)
            removed.push({
              store: dir,
              layers: report.removed,
              ...(report.reclaimedBytes === undefined ? {} : { reclaimedBytes: report.reclaimedBytes }),
              ...(report.retiredRows ? { retiredRows: report.retiredRows } : {}),
            });
        }
        print(json, { dryRun: options.dryRun === true, removed }, () =>
          removed.length === 0
            ? 'nothing to remove'
            : removed
                .map(
                  (r) =>
                    `${options.dryRun ? 'would remove' : 'removed'} ${r.whole ? 'store' : `${removedParts(r)} from`} ${r.store}` +
                    (r.reclaimedBytes ? ` (${formatBytes(r.reclaimedBytes)} returned to the disk)` : ''),
                )
                .join('\n'),
        );
      },
    );
}
