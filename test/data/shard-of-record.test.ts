import { describe, expect, it } from 'vitest';
import { shardOfRecord } from '../../src/data/shard.js';

const ids = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('shardOfRecord', () => {
  it('depends only on the id and the shard count', () => {
    const all = ids(2000);
    const shards = all.map((id) => shardOfRecord(id, 4));
    // the same id, asked alone, in another order, or among other records, gets the same shard
    expect([...all].reverse().map((id) => shardOfRecord(id, 4))).toEqual([...shards].reverse());
    const mixed = [...ids(500, 'other-'), ...all.slice(0, 300)];
    expect(mixed.slice(500).map((id) => shardOfRecord(id, 4))).toEqual(shards.slice(0, 300));
    // no seed takes part: a fixed id has a fixed shard (pinned so the rule cannot drift silently)
    expect(['cat/0001.jpg', '0', 'row-17'].map((id) => shardOfRecord(id, 8))).toEqual([1, 2, 1]);
    expect(shardOfRecord('x', 1)).toBe(0);
  });

  it('spreads records evenly over the shards', () => {
    for (const s of [2, 3, 7]) {
      const counts = new Array<number>(s).fill(0);
      for (const id of ids(7000)) counts[shardOfRecord(id, s)]!++;
      for (const c of counts) expect(Math.abs(c - 7000 / s)).toBeLessThan((7000 / s) * 0.1);
    }
  });

  it('refuses a shard count outside 1..65535', () => {
    expect(() => shardOfRecord('a', 0)).toThrow(RangeError);
    expect(() => shardOfRecord('a', 1.5)).toThrow(RangeError);
  });
});
