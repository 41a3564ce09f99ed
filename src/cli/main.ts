import { Command, CommanderError } from 'commander';
import { ExitCode } from '../core/errors.js';
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
import { reportError } from './report-error.js';

export interface GlobalOptions {
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export function buildProgram(): Command {
  const program = new Command('layerlab')
    .description('Find which layer of a pre-trained backbone transfers best to your task.')
    .option('--home <dir>', 'where stores and runs live (default: $LAYERLAB_HOME or ~/.cache/layerlab)')
    .option('--json', 'machine-readable output: JSON documents or NDJSON events on stdout')
    .option('-q, --quiet', 'no progress output, only results')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
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
  return program;
}

/** The bin entry: parse, run, map every outcome to the exit-code table. Never calls process.exit mid-flow. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; anything commander rejects is a usage error.
      process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      return;
    }
    process.exitCode = reportError(error, program.opts<GlobalOptions>().json === true);
  }
}
