import { describe, expect, it } from 'vitest';
import { unitBatches, type SplitRows } from '../../src/train/worker/shard-data.js';

const dims = 3;
/** Row r holds r*10, r*10+1, r*10+2 and label r. */
const rows: SplitRows = {
  dims,
  count: 7,
  x: Float32Array.from({ length: 7 * dims }, (_, i) => Math.floor(i / dims) * 10 + (i % dims)),
  y: BigInt64Array.from({ length: 7 }, (_, r) => BigInt(r)),
};

/** Each batch copied out (gathered batches share one buffer, so they must be read before the next). */
const collect = (batches: Iterable<SplitRows>) =>
  Array.from(batches, (b) => ({ count: b.count, x: Array.from(b.x), y: Array.from(b.y, Number) }));

describe('unitBatches', () => {
  it('reads rows in order as views, the last batch smaller', () => {
    const batches = collect(unitBatches(rows, 3));
    expect(batches.map((b) => b.y)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(batches[2]!.x).toEqual([60, 61, 62]);
  });

  it('gathers the rows of each batch in the given order, the same rows as a full reordering', () => {
    const order = Int32Array.from([4, 0, 6, 2, 5, 1, 3]);
    const batches = collect(unitBatches({ ...rows, order }, 3));
    expect(batches.map((b) => b.y)).toEqual([[4, 0, 6], [2, 5, 1], [3]]);
    expect(batches.flatMap((b) => b.x)).toEqual(
      Array.from(order).flatMap((r) => [r * 10, r * 10 + 1, r * 10 + 2]),
    );
    expect(batches.map((b) => b.count)).toEqual([3, 3, 1]);
  });
});

describe('unitBatches into a kept buffer', () => {
  it('gathers each batch at its place, the same batches, leaving the rows reordered for later units', () => {
    const order = Int32Array.from([4, 0, 6, 2, 5, 1, 3]);
    const into = { x: new Float32Array(7 * dims), y: new BigInt64Array(7) };
    const gathered = collect(unitBatches({ ...rows, order }, 3));
    expect(collect(unitBatches({ ...rows, order, into }, 3))).toEqual(gathered);
    // read as they are, the kept rows give those batches again
    expect(collect(unitBatches({ dims, count: 7, x: into.x, y: into.y }, 3))).toEqual(gathered);
  });
});
