import { hostname } from 'node:os';
import type { Command } from 'commander';
import { resolveClusterUrl } from '../../cluster/cluster-url.js';
import type { WorkerLine } from '../../cluster/host-agent.js';
import { isHostName } from '../../cluster/host-record.js';
import { plainWorkerLine } from '../../cluster/worker-lines.js';
import { usageError } from '../../core/errors.js';
import { resolveHome } from '../../core/paths.js';
import { interruptSignal } from '../interrupt.js';
import type { GlobalOptions } from '../main.js';

interface WorkerOptions {
  cluster?: string;
  name?: string;
  workers: string;
}

export const defaultHostName = (): string =>
  hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 63) || 'host';

export function parseWorkers(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1024)
    throw usageError(`--workers ${text} is not a count; use 1..1024`);
  return n;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description("run a cluster host agent: take extraction and training units from this host's queue")
    .option(
      '--cluster <url>',
      "the cluster's Redis: redis://[:password@]host:port[/db] or rediss:// (default: $LAYERLAB_CLUSTER)",
    )
    .option('--name <name>', "this host's name in the cluster (default: the machine's host name)")
    .option('--workers <n>', 'units run at once on this host (and the training units ready behind each)', '1')
    .addHelpText(
      'after',
      `
The agent registers itself (name, cores, free disk, layerlab version, shards held), heartbeats every
second, and prints one line per unit (NDJSON with --json). SIGTERM or Ctrl-C drains it: the running
units finish, then it exits 0; a second signal stops it at once (exit 130). Keep Redis on a private
network and give it a password (requirepass); the password is never printed.

Examples:
  layerlab worker --cluster redis://10.0.0.5:6379 --name gpu-1 --workers 4
  LAYERLAB_CLUSTER=redis://:s3cret@10.0.0.5:6379 layerlab worker --home /data/layerlab
  layerlab worker --cluster rediss://:s3cret@redis.internal:6380 --json`,
    )
    .action(async (options: WorkerOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const url = resolveClusterUrl(options.cluster);
      const name = options.name ?? defaultHostName();
      if (!isHostName(name))
        throw usageError(
          `--name ${name} is not a host name; use letters, digits, '.', '_' and '-' (at most 63)`,
        );
      const workers = parseWorkers(options.workers);
      const print = (line: WorkerLine) =>
        process.stdout.write(`${globals.json ? JSON.stringify(line) : plainWorkerLine(line)}\n`);
      const interrupt = interruptSignal();
      try {
        // BullMQ and ioredis load only for the commands that use them (CLI start-up stays fast)
        const { HostAgent } = await import('../../cluster/host-agent.js');
        const agent = await HostAgent.start({ url, home: resolveHome(globals.home), name, workers, print });
        await new Promise<void>((resolve) =>
          interrupt.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        await agent.drain();
      } finally {
        interrupt.dispose();
      }
    });
}
