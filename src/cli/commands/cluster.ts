import type { Command } from 'commander';
import { resolveClusterUrl } from '../../cluster/cluster-url.js';
import { clusterStatus, type ClusterStatus } from '../../cluster/cluster-status.js';
import { connectRedis } from '../../cluster/redis-connection.js';
import type { GlobalOptions } from '../main.js';

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

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
    gib(h.freeDisk),
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
      const redis = await connectRedis(url);
      try {
        const now = Date.now();
        const status = await clusterStatus(redis, url, now);
        process.stdout.write(`${globals.json ? JSON.stringify(status) : statusTable(status, now)}\n`);
      } finally {
        redis.disconnect();
      }
    });
}
