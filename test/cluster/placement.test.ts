import { describe, expect, it } from 'vitest';
import { placeShards } from '../../src/cluster/placement.js';

const host = (name: string, workers: number, holds: number[] = []) => ({
  name,
  workers,
  holds: new Set(holds),
});

describe('placeShards', () => {
  it('balances shards by workers, R copies on distinct hosts', () => {
    const hosts = [host('a', 1), host('b', 3)];
    const one = placeShards(hosts, 4, 1);
    const count = (p: typeof one, name: string) => p.filter((s) => s.hosts.includes(name)).length;
    expect([count(one, 'a'), count(one, 'b')]).toEqual([1, 3]);
    const two = placeShards([host('a', 1), host('b', 1), host('c', 1)], 3, 2);
    for (const { hosts: names } of two) expect(new Set(names).size).toBe(2);
    expect(['a', 'b', 'c'].map((n) => count(two, n))).toEqual([2, 2, 2]);
  });

  it('keeps a shard on the host that holds it when loads tie, and is deterministic', () => {
    const hosts = [host('a', 1, [1]), host('b', 1, [0])];
    expect(placeShards(hosts, 2, 1)).toEqual([
      { shard: 0, hosts: ['b'] },
      { shard: 1, hosts: ['a'] },
    ]);
    expect(placeShards(hosts, 2, 1)).toEqual(placeShards([...hosts].reverse(), 2, 1));
  });

  it('refuses more replicas than hosts with a usage error naming the fix', () => {
    expect(() => placeShards([host('a', 2)], 2, 2)).toThrow(
      /--replicas 2 needs 2 hosts, but 1 is up; .*--replicas 1/,
    );
  });
});
