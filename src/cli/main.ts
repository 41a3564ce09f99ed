import { Command, CommanderError } from 'commander';
import { ExitCode, usageError } from '../core/errors.js';
import { layerlabVersion } from '../core/package-version.js';
import { stopRunningWork } from './interrupt.js';
import { reportError } from './report-error.js';
import { registerCluster } from './commands/cluster.js';
import { registerDemo } from './commands/demo.js';
import { registerDoctor } from './commands/doctor.js';
import { registerExportHead } from './commands/export-head.js';
import { registerExtract } from './commands/extract.js';
import { registerLayers } from './commands/layers.js';
import { registerPredict } from './commands/predict.js';
import { registerReport } from './commands/report.js';
import { registerResults } from './commands/results.js';
import { registerStore } from './commands/store.js';
import { registerSweep } from './commands/sweep.js';
import { registerTrain } from './commands/train.js';
import { registerTriage } from './commands/triage.js';
import { registerUi } from './commands/ui.js';
import { registerWorker } from './commands/worker.js';

type Register = (program: Command) => void;

/**
 * Every command, in help order. A run registers only the command it names (help, an unknown command
 * or none registers them all). The command modules are imported statically: bin/layerlab.js runs the
 * bundle of this module (scripts/bundle-cli.ts), where they are one file with commander, cheaper to
 * load than a file per command (start-up time, issue 12). Each command imports its engines (ONNX
 * Runtime, lmdb, sharp, zod schemas) only in its action, so they stay out of start-up.
 */
const commands: Record<string, Register> = {
  cluster: registerCluster,
  demo: registerDemo,
  'export-head': registerExportHead,
  extract: registerExtract,
  doctor: registerDoctor,
  layers: registerLayers,
  predict: registerPredict,
  report: registerReport,
  results: registerResults,
  store: registerStore,
  sweep: registerSweep,
  train: registerTrain,
  triage: registerTriage,
  ui: registerUi,
  worker: registerWorker,
};

/** The command the arguments name (the first word after the global options), when it is one. */
export function commandNamed(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return undefined;
    if (arg === '--home') i++;
    else if (!arg.startsWith('-')) return Object.hasOwn(commands, arg) ? arg : undefined;
  }
  return undefined;
}

/**
 * Thrown by `MainOptions.beforeAction` (or by a module bin's front cannot load): this process's
 * copy of the CLI will not run the action, so `main` rethrows it for bin/layerlab.js, which then runs
 * the full CLI on the same arguments. Nothing has been printed or done when it is thrown.
 */
export class HandOver extends Error {
  constructor(what: string) {
    super(`handed over: ${what}`);
    this.name = 'HandOver';
  }
}

export interface MainOptions {
  /** Called with a command before its action runs; may throw `HandOver`. */
  beforeAction?: (command: Command) => void;
  /** layerlab's version, when the caller has it (bin's front has it built in); else package.json's. */
  version?: string;
}

export interface GlobalOptions {
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

/**
 * `jsonErrors`: `--json` is on the command line, so a usage error commander finds is reported as the
 * contract's JSON error object (by `main`) instead of commander's text. `commands`: register just
 * these (the one a run names); default every command.
 */
export function buildProgram(
  options: { jsonErrors?: boolean; commands?: readonly string[]; version?: string } = {},
): Promise<Command> {
  const writeErr = (s: string) => {
    if (!options.jsonErrors) process.stderr.write(s);
  };
  const program = new Command('layerlab')
    .description('Find which layer of a pre-trained backbone transfers best to your task.')
    .option('--home <dir>', 'where stores and runs live (default: $LAYERLAB_HOME or ~/.cache/layerlab)')
    .option('--json', 'machine-readable output: JSON documents or NDJSON events on stdout')
    .option('-q, --quiet', 'no progress output, only results')
    .version(options.version ?? layerlabVersion(), '-V, --version', 'print the version of layerlab')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr, writeOut: (s) => process.stdout.write(s) });
  const names = options.commands ?? Object.keys(commands);
  for (const name of names) commands[name]!(program);
  return Promise.resolve(program);
}

/**
 * The reader of stdout went away (`layerlab results | head -1`): stop quietly, as a program killed by
 * SIGPIPE would, instead of dying on an unhandled 'error' event with a stack trace. Running work (a
 * training run, an extraction) stops as on Ctrl-C, between units, and is recorded as interrupted
 * (it resumes like any stopped run; exit 130); anything else exits at once. Later writes fail too,
 * and are dropped.
 */
function exitQuietlyOnClosedStdout(): void {
  // once per process: the front and the full CLI it hands over to both run `main`
  const installed = Symbol.for('layerlab.closedStdoutHandler');
  if ((process.stdout as unknown as Record<symbol, boolean>)[installed]) return;
  (process.stdout as unknown as Record<symbol, boolean>)[installed] = true;
  let closed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (closed) return;
    closed = true;
    if (!stopRunningWork()) process.exit(process.exitCode ?? ExitCode.ok);
  });
}

/**
 * The bin entry: parse, run, map every outcome to the exit-code table. Never calls process.exit
 * mid-flow (but for a closed stdout, see above).
 */
export async function main(argv: string[], options: MainOptions = {}): Promise<void> {
  exitQuietlyOnClosedStdout();
  const args = argv.slice(2);
  const jsonRequested = args
    .slice(0, args.includes('--') ? args.indexOf('--') : undefined)
    .includes('--json');
  const named = commandNamed(args);
  // `layerlab --version` needs no command at all
  const version = named === undefined && (args.includes('--version') || args.includes('-V'));
  const program = await buildProgram({
    jsonErrors: jsonRequested,
    ...(options.version ? { version: options.version } : {}),
    ...(named ? { commands: [named] } : version ? { commands: [] } : {}),
  });
  const { beforeAction } = options;
  if (beforeAction) program.hook('preAction', (_program, command) => beforeAction(command));
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof HandOver) throw error;
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
