import { usageError } from '../core/errors.js';

export interface PlacementHost {
  name: string;
  workers: number;
  /** shards of this store the host already holds (a re-run keeps them where they are) */
  holds: ReadonlySet<number>;
}

export interface ShardPlacement {
  shard: number;
  hosts: string[];
}

/**
 * Places `shards` shards on hosts, `replicas` copies of each on distinct hosts, balanced by the
 * hosts' workers: each copy goes to the host whose share (copies + 1) / workers stays smallest, so
 * a host of 4 workers takes about 4 times the shards of a host of 1 (with S = total workers and
 * one replica, exactly its worker count). Among equally loaded hosts one that already holds the
 * shard wins (a re-run moves nothing), then the name: the same cluster gives the same placement.
 */
export function placeShards(
  hosts: readonly PlacementHost[],
  shards: number,
  replicas: number,
): ShardPlacement[] {
  if (replicas > hosts.length)
    throw usageError(
      `--replicas ${replicas} needs ${replicas} hosts, but ${hosts.length} ${hosts.length === 1 ? 'is' : 'are'} up; start more hosts or pass --replicas ${Math.max(1, hosts.length)}`,
    );
  const load = new Map(hosts.map((h) => [h.name, 0]));
  const placement: ShardPlacement[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const chosen: string[] = [];
    for (let copy = 0; copy < replicas; copy++) {
      const host = hosts
        .filter((h) => !chosen.includes(h.name))
        .map((h) => ({ h, share: (load.get(h.name)! + 1) / h.workers }))
        .sort(
          (a, b) =>
            a.share - b.share ||
            Number(b.h.holds.has(shard)) - Number(a.h.holds.has(shard)) ||
            a.h.name.localeCompare(b.h.name),
        )[0]!.h;
      chosen.push(host.name);
      load.set(host.name, load.get(host.name)! + 1);
    }
    placement.push({ shard, hosts: chosen.sort() });
  }
  return placement;
}
