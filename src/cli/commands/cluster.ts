import type { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { formatBytes } from '../../core/format-bytes.js';
import { resolveHome } from '../../core/paths.js';
import { interruptSignal } from '../interrupt.js';
import { resolveClusterUrl } from '../../cluster/cluster-url.js';
import type { ClusterStatus } from '../../cluster/cluster-status.js';
import type { GlobalOptions } from '../main.js';

function statusTable(status: ClusterStatus, now: number): string {
  if (status.hosts.length === 0)
    return `${status.cluster}: no hosts registered (start one with \`layerlab worker --cluster URL\`)`;
  const header = [
    'host',
    'state',
    'workers',
    'cores',
    'free',
    'shards',
    'waiting',
    'running',
    'last seen',
    'version',
  ];
  const rows = status.hosts.map((h) => [
    h.name,
    h.alive ? 'up' : 'silent',
    String(h.workers),
    String(h.cores),
    formatBytes(h.freeDisk),
    String(h.shards.length),
    String(h.queue.waiting),
    String(h.queue.running),
    `${((now - Date.parse(h.lastSeen)) / 1000).toFixed(1)} s ago`,
    h.version,
  ]);
  const widths = header.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const { totals } = status;
  return [
    `${status.cluster}: ${totals.alive} of ${totals.hosts} hosts up, ${totals.workers} workers, ${totals.running} units running, ${totals.waiting} waiting`,
    line(header),
    ...rows.map(line),
  ].join('\n');
}

export function registerCluster(program: Command): void {
  const cluster = program
    .command('cluster')
    .description('look at and run a layerlab cluster (BullMQ on Redis)');
  cluster
    .command('status')
    .description('hosts, their workers, shards, queue depths, running units and last heartbeat')
    .option(
      '--cluster <url>',
      "the cluster's Redis: redis://[:password@]host:port[/db] or rediss:// (default: $LAYERLAB_CLUSTER)",
    )
    .addHelpText(
      'after',
      `
A host is "up" while its heartbeat (every second) is less than 5 s old.

Examples:
  layerlab cluster status --cluster redis://10.0.0.5:6379
  LAYERLAB_CLUSTER=redis://:s3cret@10.0.0.5:6379 layerlab cluster status --json`,
    )
    .action(async (options: { cluster?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const url = resolveClusterUrl(options.cluster);
      // BullMQ and ioredis load only for the commands that use them (CLI start-up stays fast)
      const { connectRedis } = await import('../../cluster/redis-connection.js');
      const { clusterStatus } = await import('../../cluster/cluster-status.js');
      const redis = await connectRedis(url);
      try {
        const now = Date.now();
        const status = await clusterStatus(redis, url, now);
        process.stdout.write(`${globals.json ? JSON.stringify(status) : statusTable(status, now)}\n`);
      } finally {
        redis.disconnect();
      }
    });
  cluster
    .command('local')
    .description('try a cluster on this machine: a private redis-server and N worker processes')
    .requiredOption('--hosts <n>', 'worker processes (hosts) to start, each with its own home')
    .option('--port <p>', 'the port of redis-server on 127.0.0.1 (default: a free one)')
    .addHelpText(
      'after',
      `
Needs redis-server on PATH (Debian: apt-get install redis-server). Redis listens on 127.0.0.1 only,
its folder and the hosts' homes are under HOME/cluster-local. Prints the cluster URL, then the hosts'
lines; Ctrl-C drains the hosts and stops Redis.

Examples:
  layerlab cluster local --hosts 2
  layerlab cluster local --hosts 4 --port 6390 --json`,
    )
    .action(async (options: { hosts: string; port?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const hosts = Number(options.hosts);
      if (!Number.isInteger(hosts) || hosts < 1 || hosts > 64)
        throw usageError(`--hosts ${options.hosts} is not a count; use 1..64`);
      const port = options.port === undefined ? undefined : Number(options.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))
        throw usageError(`--port ${options.port} is not a port; use 1..65535`);
      // child processes and sockets load only for a cluster that starts (start-up time of --help)
      const { runLocalCluster } = await import('../../cluster/local-cluster.js');
      const interrupt = interruptSignal();
      try {
        await runLocalCluster({
          hosts,
          ...(port === undefined ? {} : { port }),
          home: resolveHome(globals.home),
          bin: process.argv[1]!,
          json: globals.json === true,
          signal: interrupt.signal,
          ready: ({ cluster, port: bound, hosts: names, dir }) =>
            process.stdout.write(
              globals.json
                ? `${JSON.stringify({ type: 'cluster.local', cluster, port: bound, hosts: names, dir })}\n`
                : `cluster ${cluster} with ${names.length} hosts (${names.join(', ')}), homes under ${dir}; Ctrl-C stops everything\n`,
            ),
        });
      } finally {
        interrupt.dispose();
      }
    });
}
