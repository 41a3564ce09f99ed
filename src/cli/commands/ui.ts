import type { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { homeLayout, resolveHome } from '../../core/paths.js';
import type { GlobalOptions } from '../main.js';
import { chooseOutputMode } from '../output-mode.js';

export const UI_NEEDS_TERMINAL =
  'layerlab ui needs an interactive terminal (stdin and stdout on a TTY, CI unset, no --json); ' +
  'in scripts use `layerlab results` (with --json for JSON)';

export function registerUi(program: Command): void {
  program
    .command('ui')
    .argument('[run]', 'open this run first: its id, a unique prefix of it, or its folder')
    .description('browse feature stores and runs, watch running runs and steer them (needs a terminal)')
    .addHelpText(
      'after',
      `
Home lists the feature stores and runs under the home, newest first; Enter opens one. A run shows
its layer × head-config table (s sorts by the selected column, m changes the metric), the best
metric by layer, live progress and, while it trains, steering: x stop, r resume, c clone with
changed hyper-parameters, a add a config, applied at the next epoch boundary. Enter on a cell opens
the model: learning curves, confusion matrix, config, visit order, checkpoints.
Keys: arrows or hjkl move, Enter opens, Esc goes back, / filters, ? shows every key, q quits.

Attaching to a run started elsewhere only reads its folder; the run is not disturbed.

Examples:
  layerlab ui
  layerlab ui run-20261121-093512-1a2b
  layerlab --home /tmp/ll ui run-2026`,
    )
    .action(async (run: string | undefined, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (chooseOutputMode({ json: globals.json }) !== 'ink') throw usageError(UI_NEEDS_TERMINAL);
      const home = homeLayout(resolveHome(globals.home));
      // Loaded only now: the data readers open LMDB, and the UI loads Ink and React.
      const { resolveRun } = await import('../ui-data/resolve-run.js');
      const { createUiBackend } = await import('../ui-data/ui-backend.js');
      const opened = run === undefined ? undefined : resolveRun(home, run);
      const { browse } = await import('../../ui/browse.js');
      const code = await browse({
        backend: createUiBackend(home),
        ...(opened === undefined ? {} : { run: opened }),
      });
      if (code !== 0) process.exitCode = code;
    });
}
