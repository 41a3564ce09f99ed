import { Command, CommanderError } from 'commander';
import { ExitCode, usageError } from '../core/errors.js';
import { registerCluster } from './commands/cluster.js';
import { registerDemo } from './commands/demo.js';
import { registerExportHead } from './commands/export-head.js';
import { registerExtract } from './commands/extract.js';
import { registerDoctor } from './commands/doctor.js';
import { registerLayers } from './commands/layers.js';
import { registerPredict } from './commands/predict.js';
import { registerReport } from './commands/report.js';
import { registerResults } from './commands/results.js';
import { registerStore } from './commands/store.js';
import { registerSweep } from './commands/sweep.js';
import { registerTrain } from './commands/train.js';
import { registerUi } from './commands/ui.js';
import { registerWorker } from './commands/worker.js';
import { reportError } from './report-error.js';

export interface GlobalOptions {
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

/**
 * `jsonErrors`: `--json` is on the command line, so a usage error commander finds is reported as the
 * contract's JSON error object (by `main`) instead of commander's text.
 */
export function buildProgram(options: { jsonErrors?: boolean } = {}): Command {
  const writeErr = (s: string) => {
    if (!options.jsonErrors) process.stderr.write(s);
  };
  const program = new Command('layerlab')
    .description('Find which layer of a pre-trained backbone transfers best to your task.')
    .option('--home <dir>', 'where stores and runs live (default: $LAYERLAB_HOME or ~/.cache/layerlab)')
    .option('--json', 'machine-readable output: JSON documents or NDJSON events on stdout')
    .option('-q, --quiet', 'no progress output, only results')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr, writeOut: (s) => process.stdout.write(s) });
  registerCluster(program);
  registerDemo(program);
  registerExportHead(program);
  registerExtract(program);
  registerDoctor(program);
  registerLayers(program);
  registerPredict(program);
  registerReport(program);
  registerResults(program);
  registerStore(program);
  registerSweep(program);
  registerTrain(program);
  registerUi(program);
  registerWorker(program);
  return program;
}

/**
 * The reader of stdout went away (`layerlab results | head -1`): stop quietly, as a program killed by
 * SIGPIPE would, instead of dying on an unhandled 'error' event with a stack trace. Work cut short so
 * (a training run) resumes like any killed run.
 */
function exitQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? ExitCode.ok);
  });
}

/**
 * The bin entry: parse, run, map every outcome to the exit-code table. Never calls process.exit
 * mid-flow (but for a closed stdout, see above).
 */
export async function main(argv: string[]): Promise<void> {
  exitQuietlyOnClosedStdout();
  const jsonRequested = argv
    .slice(2, argv.includes('--') ? argv.indexOf('--') : undefined)
    .includes('--json');
  const program = buildProgram({ jsonErrors: jsonRequested });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; anything commander rejects is a usage error.
      if (error.exitCode === 0) process.exitCode = ExitCode.ok;
      else if (jsonRequested) process.exitCode = reportError(usageError(commanderMessage(error)), true);
      else process.exitCode = ExitCode.usage;
      return;
    }
    process.exitCode = reportError(error, jsonRequested || program.opts<GlobalOptions>().json === true);
  }
}

/** Commander's message without its `error: ` prefix; a command that needs a subcommand says so. */
function commanderMessage(error: CommanderError): string {
  if (error.code === 'commander.help') return 'a subcommand is needed (run with --help for the list)';
  return `${error.message.replace(/^error: /, '')} (run with --help for usage)`;
}
