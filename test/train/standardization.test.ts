import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { epochOrder, trainShards } from '../../src/train/worker/sharding.js';
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

  it('partitions train rows into disjoint seeded shards, and orders each epoch by seed', () => {
    const train = Int32Array.from({ length: 101 }, (_, i) => i * 2);
    const shards = trainShards(train, 3, 9);
    expect(shards.map((s) => s.length)).toEqual([33, 34, 34]);
    expect(shards.flatMap((s) => Array.from(s)).sort((a, b) => a - b)).toEqual(Array.from(train));
    expect(trainShards(train, 3, 9)).toEqual(shards);
    expect(trainShards(train, 3, 10)).not.toEqual(shards);
    const order = epochOrder(9, 1, 0, 20);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(epochOrder(9, 1, 0, 20)).toEqual(order);
    expect(epochOrder(9, 2, 0, 20)).not.toEqual(order);
  });
});
