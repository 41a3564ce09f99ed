import { describe, expect, it } from 'vitest';
import { openBuiltinDataset } from '../../src/data/builtin-source.js';
import { shardOfRecord } from '../../src/data/shard.js';
import { shardView } from '../../src/data/shard-view.js';

describe('shardView', () => {
  it("holds exactly the shard's records in canonical order and reads them through the source", async () => {
    const whole = openBuiltinDataset('builtin:shapes', { count: 300 });
    const views = [0, 1, 2].map((k) => shardView(whole, 3, k));
    expect(views.reduce((n, v) => n + v.size, 0)).toBe(300);
    for (const [k, view] of views.entries()) {
      const indices = [...whole.ids].flatMap((id, i) => (shardOfRecord(id, 3) === k ? [i] : []));
      expect(view.ids).toEqual(indices.map((i) => whole.ids.at(i)));
      expect(Array.from(view.labels)).toEqual(indices.map((i) => whole.labels[i]));
      expect(Array.from(view.split)).toEqual(indices.map((i) => whole.split[i]));
      expect(view.classNames).toEqual(whole.classNames);
      // lineage shared (the same feature-set keys), digest its own
      expect(view.lineage).toBe(whole.digest);
      expect(view.digest).not.toBe(whole.digest);
      const batch = await view.readBatch(1, 4);
      const direct = await whole.readRecords!(indices.slice(1, 5));
      expect(batch).toEqual(direct);
    }
    expect(() => shardView(whole, 3, 3)).toThrow(RangeError);
  });
});
