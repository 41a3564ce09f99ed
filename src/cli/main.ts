import { Command, CommanderError } from 'commander';
import { ExitCode, usageError } from '../core/errors.js';
import { layerlabVersion } from '../core/package-version.js';
import { reportError } from './report-error.js';

type Register = (program: Command) => void;

/**
 * Every command, in help order, and how to load it. A run loads only the module of the command it
 * names (help, an unknown command or none loads them all): start-up time is the modules loaded, and
 * each command's own imports its engines (ONNX Runtime, lmdb, sharp, zod schemas) only in its action.
 */
const commands: Record<string, () => Promise<Register>> = {
  cluster: async () => (await import('./commands/cluster.js')).registerCluster,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  'export-head': async () => (await import('./commands/export-head.js')).registerExportHead,
  extract: async () => (await import('./commands/extract.js')).registerExtract,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctor,
  layers: async () => (await import('./commands/layers.js')).registerLayers,
  predict: async () => (await import('./commands/predict.js')).registerPredict,
  report: async () => (await import('./commands/report.js')).registerReport,
  results: async () => (await import('./commands/results.js')).registerResults,
  store: async () => (await import('./commands/store.js')).registerStore,
  sweep: async () => (await import('./commands/sweep.js')).registerSweep,
  train: async () => (await import('./commands/train.js')).registerTrain,
  triage: async () => (await import('./commands/triage.js')).registerTriage,
  ui: async () => (await import('./commands/ui.js')).registerUi,
  worker: async () => (await import('./commands/worker.js')).registerWorker,
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
export async function buildProgram(
  options: { jsonErrors?: boolean; commands?: readonly string[] } = {},
): Promise<Command> {
  const writeErr = (s: string) => {
    if (!options.jsonErrors) process.stderr.write(s);
  };
  const program = new Command('layerlab')
    .description('Find which layer of a pre-trained backbone transfers best to your task.')
    .option('--home <dir>', 'where stores and runs live (default: $LAYERLAB_HOME or ~/.cache/layerlab)')
    .option('--json', 'machine-readable output: JSON documents or NDJSON events on stdout')
    .option('-q, --quiet', 'no progress output, only results')
    .version(layerlabVersion(), '-V, --version', 'print the version of layerlab')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr, writeOut: (s) => process.stdout.write(s) });
  const names = options.commands ?? Object.keys(commands);
  const registers = await Promise.all(names.map((name) => commands[name]!()));
  for (const register of registers) register(program);
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
  const args = argv.slice(2);
  const jsonRequested = args
    .slice(0, args.includes('--') ? args.indexOf('--') : undefined)
    .includes('--json');
  const named = commandNamed(args);
  // `layerlab --version` needs no command at all
  const version = named === undefined && (args.includes('--version') || args.includes('-V'));
  const program = await buildProgram({
    jsonErrors: jsonRequested,
    ...(named ? { commands: [named] } : version ? { commands: [] } : {}),
  });
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
