import { configError } from '../core/errors.js';
import { layerlabVersion } from '../core/package-version.js';
import { HOST_TIMEOUT_MS, type HostRecord } from './host-record.js';

export const holds = (host: HostRecord, store: string, shard: number): boolean =>
  host.shards.includes(`${store}#${shard}`);

export const isAlive = (host: HostRecord, now: number): boolean => now - host.lastSeen < HOST_TIMEOUT_MS;

/**
 * The live hosts that may run units of `store`'s shard, best first (fewest workers already given to
 * this run, then by name). A host of another layerlab version is refused: its unit code may differ,
 * and MOP's equality with one host holds only for the same code.
 */
export function shardCandidates(
  hosts: readonly HostRecord[],
  store: string,
  shard: number,
  now: number,
  load: ReadonlyMap<string, number> = new Map(),
): HostRecord[] {
  const version = layerlabVersion();
  return hosts
    .filter((h) => holds(h, store, shard) && isAlive(h, now) && h.version === version)
    .sort((a, b) => (load.get(a.name) ?? 0) - (load.get(b.name) ?? 0) || a.name.localeCompare(b.name));
}

/** Why no host can run a shard now, in one line that names the fix. */
export function noHostReason(
  hosts: readonly HostRecord[],
  store: string,
  shard: number,
  now: number,
): string {
  const holders = hosts.filter((h) => holds(h, store, shard));
  const version = layerlabVersion();
  const other = holders.find((h) => isAlive(h, now) && h.version !== version);
  if (other)
    return `host ${other.name} holds shard ${shard} of ${store} but runs layerlab ${other.version}, this coordinator ${version}; run the same version on every host`;
  if (holders.length === 0)
    return `no host holds shard ${shard} of ${store}; start \`layerlab worker\` on a host whose home has it (see \`layerlab store ls --cluster\`)`;
  const last = Math.max(...holders.map((h) => h.lastSeen));
  return `no live host holds shard ${shard} of ${store} (${holders.map((h) => h.name).join(', ')} last seen ${((now - last) / 1000).toFixed(0)} s ago); restart \`layerlab worker\` there`;
}

/** Refuses a run whose shards have no live host of this version, naming the first such shard. */
export function requireShardHosts(
  hosts: readonly HostRecord[],
  store: string,
  shards: number,
  now: number,
): void {
  for (let shard = 0; shard < shards; shard++)
    if (shardCandidates(hosts, store, shard, now).length === 0)
      throw configError(noHostReason(hosts, store, shard, now));
}
