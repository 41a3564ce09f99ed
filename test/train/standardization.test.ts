import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { epochOrder, recordShards } from '../../src/train/worker/sharding.js';
import { computeStandardization } from '../../src/train/heads/standardization.js';

describe('standardization and sharding', () => {
  it('computes train-split mean and std per feature, constant features get std 1', () => {
    const rng = new Rng(3);
    const dims = 3;
    const rows = 500;
    const features = Float32Array.from({ length: rows * dims }, (_, i) =>
      i % dims === 2 ? 7 : 1000 + (i % dims) + rng.normal() * 2,
    );
    const train = Int32Array.from({ length: 400 }, (_, i) => i);
    const { mean, std } = computeStandardization(features, dims, train);
    let m0 = 0;
    for (const r of train) m0 += features[r * dims]! / train.length;
    let v0 = 0;
    for (const r of train) v0 += (features[r * dims]! - m0) ** 2 / train.length;
    expect(mean[0]).toBeCloseTo(m0, 3);
    expect(std[0]).toBeCloseTo(Math.sqrt(v0), 4);
    expect(mean[2]).toBe(7);
    expect(std[2]).toBe(1);
  });

  it('partitions train rows into disjoint shards by record id (no seed), and orders each epoch by seed', () => {
    const train = Int32Array.from({ length: 101 }, (_, i) => i * 2);
    const ids = Array.from({ length: 202 }, (_, i) => `r${i}`);
    const shards = recordShards(train, ids, 3);
    // hash shards: sizes near 101/3 each, every train row in exactly one, in record order
    for (const s of shards) expect(s.length).toBeGreaterThan(20);
    expect(shards.flatMap((s) => Array.from(s)).sort((a, b) => a - b)).toEqual(Array.from(train));
    for (const s of shards) expect(Array.from(s)).toEqual(Array.from(s).sort((a, b) => a - b));
    // a row's shard is its id's: the same in a store with other rows and other row numbers
    const moved = Int32Array.from({ length: 50 }, (_, i) => i);
    const movedIds = Array.from({ length: 50 }, (_, i) => `r${(i * 4) % 202}`);
    recordShards(moved, movedIds, 3).forEach((rows, k) =>
      rows.forEach((row) => expect(shards[k]).toContain(Number(movedIds[row]!.slice(1)))),
    );
    const order = epochOrder(9, 1, 0, 20);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(epochOrder(9, 1, 0, 20)).toEqual(order);
    expect(epochOrder(9, 2, 0, 20)).not.toEqual(order);
  });
});
