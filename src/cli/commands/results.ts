import { Option, type Command } from 'commander';
import { homeLayout, resolveHome } from '../../core/paths.js';
import { usageError } from '../../core/errors.js';
import { RunStore } from '../../store/run-store.js';
import type { GlobalOptions } from '../main.js';

interface ResultsFlags {
  format: 'table' | 'csv' | 'json';
  compare?: boolean;
  by?: 'group';
}

export function registerResults(program: Command): void {
  program
    .command('results')
    .description('list runs, or print the results of one run (or compare several)')
    .argument('[runs...]', 'run ids or run folders; none lists every run')
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'),
    )
    .option('--compare', 'put the models of several runs in one table, best first')
    .addOption(
      new Option(
        '--by <what>',
        "one row per data group of a `train --groups` run: its best layer and head, and the shared head's test",
      ).choices(['group']),
    )
    .addHelpText(
      'after',
      `
Examples:
  layerlab results                                # every run, newest first
  layerlab results run-20261121-093512-1a2b       # its models, best first
  layerlab results RUN --format csv > results.csv
  layerlab results --compare RUN_A RUN_B
  layerlab results RUN --by group --format csv     # per data group (train --groups)`,
    )
    .action(async (runs: string[], flags: ResultsFlags, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const format = globals.json ? 'json' : flags.format;
      const { runs: runsRoot } = homeLayout(resolveHome(globals.home));
      if (runs.length === 0) {
        const metas = RunStore.list(runsRoot);
        if (format === 'json') process.stdout.write(`${JSON.stringify({ runs: metas })}\n`);
        else if (format === 'csv')
          process.stdout.write(
            `${['id,command,status,model,data,startedAt', ...metas.map((m) => [m.id, m.command, m.status, m.model, m.data, m.startedAt].join(','))].join('\n')}\n`,
          );
        else
          process.stdout.write(
            metas.length === 0
              ? 'no runs yet; start one with `layerlab demo`\n'
              : `${metas.map((m) => `${m.id}  ${m.command.padEnd(5)}  ${m.status.padEnd(11)}  ${m.model} on ${m.data}`).join('\n')}\n`,
          );
        return;
      }
      if (flags.by === 'group') {
        if (runs.length !== 1) throw usageError('--by group takes one run');
        const [{ resolveRunDir }, { requireRunResults }, { groupRows, formatGroupRows, groupRowsCsv }] =
          await Promise.all([
            import('../../report/load-report.js'),
            import('../../train/run-folder/run-results.js'),
            import('../../report/group-table.js'),
          ]);
        const runDir = resolveRunDir(runsRoot, runs[0]!);
        const outcome = requireRunResults(runDir);
        if (!outcome.groups)
          throw usageError(
            `run ${runs[0]!} was trained without groups; train with \`layerlab train --groups\` (the store needs groups)`,
          );
        const rows = groupRows(outcome.groups);
        if (format === 'json')
          process.stdout.write(
            `${JSON.stringify({ run: outcome.run, metric: outcome.metric, minRecords: outcome.groups.minRecords, groups: rows })}\n`,
          );
        else if (format === 'csv') process.stdout.write(`${groupRowsCsv(rows)}\n`);
        else process.stdout.write(`${formatGroupRows(rows, outcome.metric, outcome.groups.minRecords)}\n`);
        return;
      }
      if (runs.length > 1 && !flags.compare)
        throw usageError('several runs given: add --compare to put them in one table');
      // the report readers (lmdb, zod) load only for a run's results, not for the list (start-up time)
      const [
        { loadReportModel, resolveRunDir },
        { formatResultRows, resultRowsCsv },
        { runRows },
        { triageText },
      ] = await Promise.all([
        import('../../report/load-report.js'),
        import('../../report/results-table.js'),
        import('../../report/run-rows.js'),
        import('../../report/triage-section.js'),
      ]);
      const models = runs.map((ref) => loadReportModel(resolveRunDir(runsRoot, ref)));
      const rows = models.flatMap(runRows).sort((a, b) => b.value - a.value);
      if (format === 'json') {
        process.stdout.write(
          `${JSON.stringify(runs.length === 1 ? { ...models[0]!.result, models: rows } : { runs: models.map((m) => m.result), models: rows })}\n`,
        );
      } else if (format === 'csv') {
        process.stdout.write(`${resultRowsCsv(rows)}\n`);
      } else {
        const triaged = runs.length === 1 ? triageText(models[0]!.result.triage) : '';
        process.stdout.write(`${formatResultRows(rows, models[0]!.result.metric)}${triaged}\n`);
      }
    });
}
