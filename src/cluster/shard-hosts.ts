import { badData, configError } from '../core/errors.js';
import { layerlabVersion } from '../core/package-version.js';
import { HOST_TIMEOUT_MS, type HostRecord } from './host-record.js';

export const holds = (host: HostRecord, store: string, shard: number): boolean =>
  host.shards.includes(`${store}#${shard}`);

export const isAlive = (host: HostRecord, now: number): boolean => now - host.lastSeen < HOST_TIMEOUT_MS;

/**
 * Why a host's copy of a shard is refused for its content, or undefined: the host reports a digest
 * (shard-digest.ts) other than the one the cluster store's manifest recorded at extract time (its
 * `shard-K` was replaced or rebuilt with other data). `digests` are the manifest's, shard 0 first;
 * without them, or without the host's digest, there is nothing to compare.
 */
export function contentRefusal(
  host: HostRecord,
  store: string,
  shard: number,
  digests?: readonly string[],
): string | undefined {
  const expected = digests?.[shard];
  const reported = host.digests?.[`${store}#${shard}`];
  if (expected === undefined || reported === undefined || reported === expected) return undefined;
  return `host ${host.name} is refused: its shard ${shard} of ${store} differs from the cluster store manifest (content digest ${reported}, expected ${expected}); remove cluster/${store}/shard-${shard} under its home and run the same \`layerlab extract --cluster\` again`;
}

/** Whether a host may run units of a shard now: it holds it, heartbeats, runs this version, and its copy is the manifest's. */
export function canServe(
  host: HostRecord,
  store: string,
  shard: number,
  now: number,
  digests?: readonly string[],
): boolean {
  return (
    holds(host, store, shard) &&
    isAlive(host, now) &&
    host.version === layerlabVersion() &&
    contentRefusal(host, store, shard, digests) === undefined
  );
}

/**
 * The live hosts that may run units of `store`'s shard, best first (fewest workers already given to
 * this run, then by name). A host of another layerlab version is refused: its unit code may differ,
 * and MOP's equality with one host holds only for the same code. So is a host whose copy of the
 * shard differs from the manifest's `digests`: its records or features are not the ones extracted.
 */
export function shardCandidates(
  hosts: readonly HostRecord[],
  store: string,
  shard: number,
  now: number,
  load: ReadonlyMap<string, number> = new Map(),
  digests?: readonly string[],
): HostRecord[] {
  return hosts
    .filter((h) => canServe(h, store, shard, now, digests))
    .sort((a, b) => (load.get(a.name) ?? 0) - (load.get(b.name) ?? 0) || a.name.localeCompare(b.name));
}

/** Why no host can run a shard now, in one line that names the fix. */
export function noHostReason(
  hosts: readonly HostRecord[],
  store: string,
  shard: number,
  now: number,
  digests?: readonly string[],
): string {
  const holders = hosts.filter((h) => holds(h, store, shard));
  const version = layerlabVersion();
  const other = holders.find((h) => isAlive(h, now) && h.version !== version);
  if (other)
    return `host ${other.name} holds shard ${shard} of ${store} but runs layerlab ${other.version}, this coordinator ${version}; run the same version on every host`;
  const differing = holders
    .filter((h) => isAlive(h, now))
    .map((h) => contentRefusal(h, store, shard, digests))
    .find((reason) => reason !== undefined);
  if (differing) return differing;
  if (holders.length === 0)
    return `no host holds shard ${shard} of ${store}; start \`layerlab worker\` on a host whose home has it (see \`layerlab store ls --cluster\`)`;
  const last = Math.max(...holders.map((h) => h.lastSeen));
  return `no live host holds shard ${shard} of ${store} (${holders.map((h) => h.name).join(', ')} last seen ${((now - last) / 1000).toFixed(0)} s ago); restart \`layerlab worker\` there`;
}

/** The live hosts whose copy of a shard is refused for its content, one line each (another copy serves). */
export function refusedCopies(
  hosts: readonly HostRecord[],
  store: string,
  shards: number,
  now: number,
  digests?: readonly string[],
): string[] {
  const lines: string[] = [];
  for (let shard = 0; shard < shards; shard++)
    for (const host of hosts) {
      if (!holds(host, store, shard) || !isAlive(host, now)) continue;
      const reason = contentRefusal(host, store, shard, digests);
      if (reason) lines.push(reason);
    }
  return lines;
}

/**
 * Refuses a run whose shards have no live host of this version with the manifest's content, naming
 * the first such shard: bad data (65) when the only copies up differ from the manifest, else a
 * configuration error (78).
 */
export function requireShardHosts(
  hosts: readonly HostRecord[],
  store: string,
  shards: number,
  now: number,
  digests?: readonly string[],
): void {
  for (let shard = 0; shard < shards; shard++) {
    if (shardCandidates(hosts, store, shard, now, undefined, digests).length > 0) continue;
    const reason = noHostReason(hosts, store, shard, now, digests);
    const differs = hosts.some((h) => isAlive(h, now) && contentRefusal(h, store, shard, digests) === reason);
    throw differs ? badData(reason) : configError(reason);
  }
}
