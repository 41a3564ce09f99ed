import { describe, expect, it } from 'vitest';
import { buildLabelMap } from '../../src/data/label-map.js';
import { seededOrder, shardAssignment } from '../../src/data/shard.js';
import { hashSplit, parseSplitFractions, parseSplitValue, Split } from '../../src/data/split.js';
import { openDataset } from '../../src/data/open-dataset.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `record-${i}`);

describe('label maps, splits and shards', () => {
  it('maps labels to class ids: numeric labels numerically, others by code point', () => {
    expect(buildLabelMap(['10', '2', '2', '1'])).toEqual({
      classNames: ['1', '2', '10'],
      labels: Int32Array.from([2, 1, 1, 0]),
    });
    expect(buildLabelMap(['dog', 'Cat', 'cat']).classNames).toEqual(['Cat', 'cat', 'dog']);
  });

  it('splits by record hash: seeded, near the fractions, and stable as records are added', () => {
    const split = hashSplit(ids(4000), 7, { train: 0.7, val: 0.15 });
    const share = (s: number) => split.filter((x) => x === s).length / 4000;
    expect(Math.abs(share(Split.train) - 0.7)).toBeLessThan(0.03);
    expect(Math.abs(share(Split.val) - 0.15)).toBeLessThan(0.03);
    expect(hashSplit(ids(4000), 8)).not.toEqual(split);
    expect(Array.from(hashSplit(ids(4500), 7, { train: 0.7, val: 0.15 }).subarray(0, 4000))).toEqual(
      Array.from(split),
    );
  });

  it('parses split fractions and split column values', () => {
    expect(parseSplitFractions('0.8,0.1,0.1')).toEqual({ train: 0.8, val: 0.1 });
    expect(parseSplitFractions('8,1,1')).toEqual({ train: 0.8, val: 0.1 });
    expect(parseSplitFractions('0.6,0.2')).toEqual({ train: 0.6, val: 0.2 });
    expect(() => parseSplitFractions('0.9,0.9')).toThrow(RangeError);
    expect(() => parseSplitFractions('a,b')).toThrow(RangeError);
    expect(['train', 'Validation', 'dev', 'TEST', '2', 'x'].map(parseSplitValue)).toEqual([
      0,
      1,
      1,
      2,
      2,
      undefined,
    ]);
  });

  it('assigns shards and orders records from a seed, per record, so growth moves nothing', () => {
    const shards = shardAssignment(ids(1000), 4, 3);
    expect(new Set(shards).size).toBe(4);
    expect(Array.from(shardAssignment(ids(1200), 4, 3).subarray(0, 1000))).toEqual(Array.from(shards));
    const order = seededOrder(ids(100), 1);
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
    expect(seededOrder(ids(100), 2)).not.toEqual(order);
  });

  it('opens built-in generators and reports unknown refs as not found', async () => {
    const data = await openDataset('builtin:shapes-colour', { count: 30 });
    expect(data.size).toBe(30);
    const batch = await data.readRecords!([3, 1]);
    expect(batch.kind === 'image' && batch.count).toBe(2);
    await expect(openDataset('/nonexistent/data')).rejects.toMatchObject({ exitCode: 66 });
    await expect(openDataset('builtin:nope')).rejects.toMatchObject({ exitCode: 66 });
  });
});
