import { join } from 'node:path';
import type { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { homeLayout, resolveHome } from '../../core/paths.js';
import type { ExtractFlags } from '../../extract/extract-config.js';
import type { GlobalOptions } from '../main.js';

type GroupFlags = Pick<
  ExtractFlags,
  | 'groupColumn'
  | 'groupBy'
  | 'idColumn'
  | 'textColumn'
  | 'imageColumn'
  | 'labelColumn'
  | 'table'
  | 'query'
  | 'strict'
> & { data: string };

/** `store group`: gives a stored dataset's records their groups without extracting again. */
export function registerStoreGroup(store: Command): void {
  store
    .command('group')
    .description("store each record's group (a column of the data, or its folder) without extracting again")
    .argument('<store>', 'store folder or id')
    .requiredOption('--data <ref>', 'the data the store was extracted from')
    .option('--group-column <name>', 'tables: the column naming each record group')
    .option(
      '--group-by <how>',
      'image folders: `folder` reads GROUP/CLASS/IMAGE, the top folder is the group',
    )
    .option('--id-column <name>', 'tables: the record id, as at extraction')
    .option('--text-column <name>', 'tables: the text column, as at extraction')
    .option('--image-column <name>', 'tables: the image column, as at extraction')
    .option('--label-column <name>', 'tables: the label column')
    .option('--table <name>', 'databases: the table, as at extraction')
    .option('--query <sql>', 'databases: the SELECT, as at extraction')
    .addHelpText(
      'after',
      `
Groups are matched to stored records by id; only the groups table and the manifest change, never a
feature byte. Extracting with --group-column or --group-by also stores (or replaces) groups.

Examples:
  layerlab store group pets-store --data labels.csv --group-column owner
  layerlab store group photos-store --data ~/photos --group-by folder`,
    )
    .action(async (ref: string, flags: GroupFlags, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (!flags.groupColumn && !flags.groupBy)
        throw usageError('pass --group-column NAME (tables) or --group-by folder (image folders)');
      const home = homeLayout(resolveHome(globals.home));
      const [{ resolveStoreRef }, { openDataset }, { resolveExtractConfig }, { regroupStore }] =
        await Promise.all([
          import('../../store/store-catalog.js'),
          import('../../data/open-dataset.js'),
          import('../../extract/extract-config.js'),
          import('../../extract/regroup-store.js'),
        ]);
      const { data, ...dataFlags } = flags;
      const config = resolveExtractConfig(dataFlags);
      const dir = resolveStoreRef(ref, home.stores);
      const dataset = await openDataset(data, { ...config.data, cacheDir: join(home.root, 'cache') });
      try {
        const result = regroupStore(dir, dataset);
        const by = result.rule.method === 'folder' ? 'by folder' : `by column ${result.rule.column}`;
        process.stdout.write(
          globals.json
            ? `${JSON.stringify(result)}\n`
            : `grouped ${result.store}: ${result.groups} groups ${by}, ${result.records} records in one, ${result.ungrouped} without\n`,
        );
      } finally {
        await dataset.close?.();
      }
    });
}
