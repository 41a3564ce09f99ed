import type { WorkerActivity } from './run-state.js';

/**
 * The hosts of a cluster run and their workers, as the units' events last placed them (a worker
 * whose shard moved to another host is listed there): `alpha w0 w2 · beta w1`. Undefined when no
 * unit named a host (workers on this machine).
 */
export function hostsLine(activity: readonly WorkerActivity[]): string | undefined {
  const byHost = new Map<string, number[]>();
  for (const a of [...activity].sort((x, y) => x.worker - y.worker))
    if (a.host !== undefined) byHost.set(a.host, [...(byHost.get(a.host) ?? []), a.worker]);
  if (byHost.size === 0) return undefined;
  return [...byHost].map(([host, workers]) => `${host} ${workers.map((w) => `w${w}`).join(' ')}`).join(' · ');
}
