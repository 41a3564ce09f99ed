import { describe, expect, it } from 'vitest';
import { isLayerlabError } from '../../src/core/errors.js';
import { parseMemorySize } from '../../src/extract/memory-budget.js';
import { planExtraction, type PlanInput, type PlanPoint } from '../../src/extract/plan.js';

const MiB = 2 ** 20;

/** A 4-block CNN's size table (values per record), like ResNet-ish maps at 64×64. */
function cnnPoints(pooled = true): PlanPoint[] {
  const raw = [64 * 32 * 32, 128 * 16 * 16, 256 * 8 * 8, 512 * 4 * 4];
  const channels = [64, 128, 256, 512];
  return raw.map((size, i) => ({
    name: `block${i + 1}`,
    rawValues: size,
    storedValues: pooled ? channels[i]! : size,
    spanMaxValues: size * 2,
    spanValues: size * 6,
    cuttable: i < 3,
  }));
}

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    records: 10_000,
    points: cnnPoints(),
    inputValuesPerRecord: 3 * 64 * 64,
    decodedBytesPerRecord: 3 * 64 * 64,
    modelBytes: 40 * MiB,
    baseBytes: 150 * MiB,
    memoryBudgetBytes: 4096 * MiB,
    cores: 2,
    maxBatchSize: 128,
    storageBytesPerValue: 4,
    strategy: 'auto',
    stagedAvailable: true,
    rawRequested: false,
    ...overrides,
  };
}

describe('planExtraction', () => {
  it('plans one pooled pass at the largest batch under the cap, with forecasts', () => {
    const plan = planExtraction(input());
    expect(plan.mode).toBe('one-pass');
    expect(plan.batchSize).toBe(128);
    expect(plan.batches).toBe(Math.ceil(10_000 / 128));
    expect(plan.concurrency).toEqual({ ortThreads: 2, decodeConcurrency: 4, prefetchBatches: 2 });
    expect(plan.stages).toHaveLength(1);
    expect(plan.forecast.storeBytes).toBe((64 + 128 + 256 + 512) * 4 * 10_000 + 4 * plan.batches * 16);
    expect(plan.forecast.peakBytes).toBeLessThanOrEqual(plan.forecast.memoryBudgetBytes);
    expect(plan.forecast.seconds).toBeUndefined();
  });

  it('chooses the largest batch that fits a tight budget, and the batch grows with the budget', () => {
    const small = planExtraction(input({ memoryBudgetBytes: 400 * MiB }));
    const larger = planExtraction(input({ memoryBudgetBytes: 600 * MiB }));
    expect(small.mode).toBe('one-pass');
    expect(small.batchSize).toBeLessThan(128);
    expect(larger.batchSize).toBeGreaterThan(small.batchSize);
    expect(small.forecast.peakBytes).toBeLessThanOrEqual(400 * MiB);
    // One more record would not fit.
    const perRecord = (small.forecast.peakBytes - (150 + 120) * MiB) / small.batchSize;
    expect(small.forecast.peakBytes + perRecord).toBeGreaterThan(400 * MiB);
  });

  it('goes staged when raw features are requested, one stage per cut point', () => {
    const plan = planExtraction(input({ points: cnnPoints(false), rawRequested: true }));
    expect(plan.mode).toBe('staged');
    expect(plan.stages.map((s) => [s.from, s.points])).toEqual([
      ['input', ['block1']],
      ['block1', ['block2']],
      ['block2', ['block3']],
      ['block3', ['block4']],
    ]);
    // Raw features requested: the boundaries are the stored sets themselves.
    expect(plan.forecast.boundaryBytes).toBe(0);
    const onePass = planExtraction(
      input({ points: cnnPoints(false), rawRequested: true, strategy: 'one-pass' }),
    );
    expect(plan.forecast.peakBytes).toBeLessThan(onePass.forecast.peakBytes);
  });

  it('goes staged when one pass does not fit but stages do, forecasting the boundary disk', () => {
    // Many layers with large pooled vectors (grid pooling): one pass holds them all at once.
    const points: PlanPoint[] = Array.from({ length: 16 }, (_, i) => ({
      name: `layer${i}`,
      rawValues: 400_000,
      storedValues: 200_000,
      spanMaxValues: 400_000,
      spanValues: 1_000_000,
      cuttable: true,
    }));
    const budget = 300 * MiB;
    expect(() => planExtraction(input({ points, memoryBudgetBytes: budget, strategy: 'one-pass' }))).toThrow(
      /does not fit in 300 MiB/,
    );
    const plan = planExtraction(input({ points, memoryBudgetBytes: budget }));
    expect(plan.mode).toBe('staged');
    expect(plan.reason).toMatch(/one pass does not fit/);
    expect(plan.stages).toHaveLength(16);
    expect(plan.forecast.peakBytes).toBeLessThanOrEqual(budget);
    // Two temporary boundaries exist at once at most: the one a stage reads and the one it writes.
    expect(plan.forecast.boundaryBytes).toBe(2 * 400_000 * 4 * 10_000);
  });

  it('fails with the memory a batch of one needs when nothing fits', () => {
    let caught: unknown;
    try {
      planExtraction(input({ memoryBudgetBytes: 200 * MiB }));
    } catch (error) {
      caught = error;
    }
    expect(isLayerlabError(caught) && caught.code).toBe('NOTHING_FITS');
    expect(isLayerlabError(caught) && caught.exitCode).toBe(78);
    expect(String((caught as Error).message)).toMatch(
      /does not fit in 200 MiB .*one-pass at batch 1 needs \d+ MiB.*staged at batch 1 needs \d+ MiB.*raise --memory/,
    );
  });

  it('keeps a given batch size when it fits and refuses it when it does not', () => {
    expect(planExtraction(input({ batchSize: 16 })).batchSize).toBe(16);
    expect(() =>
      planExtraction(input({ batchSize: 4096, memoryBudgetBytes: 400 * MiB, stagedAvailable: false })),
    ).toThrow(/lower --batch-size/);
  });

  it('forecasts time from batch-time estimates: lazy costs more than one pass, staged reads boundaries', () => {
    const timing = {
      decodeSecondsPerRecord: 0.001,
      modelSecondsPerRecord: 0.004,
      storeBytesPerSecond: 200e6,
    };
    const onePass = planExtraction(input({ timing }));
    const lazy = planExtraction(input({ timing, strategy: 'lazy' }));
    const staged = planExtraction(input({ timing, strategy: 'staged' }));
    expect(onePass.forecast.seconds).toBeCloseTo(10_000 * 0.005 + onePass.forecast.storeBytes / 200e6, 6);
    expect(lazy.stages).toHaveLength(4);
    expect(lazy.forecast.seconds!).toBeGreaterThan(onePass.forecast.seconds! * 2);
    expect(staged.forecast.seconds!).toBeGreaterThan(onePass.forecast.seconds!);
    expect(staged.stages[1]!.seconds!).toBeLessThan(staged.stages[0]!.seconds!);
  });

  it('plans one pass only for backbones that cannot be cut, and uses float16 sizes', () => {
    const plan = planExtraction(
      input({
        stagedAvailable: false,
        points: cnnPoints(false),
        rawRequested: true,
        storageBytesPerValue: 2,
      }),
    );
    expect(plan.mode).toBe('one-pass');
    expect(plan.forecast.storeBytes).toBe(
      cnnPoints(false).reduce((a, p) => a + p.rawValues, 0) * 2 * 10_000 + 4 * plan.batches * 16,
    );
    expect(() => planExtraction(input({ stagedAvailable: false, strategy: 'staged' }))).toThrow(
      /cannot be cut/,
    );
  });

  it('starts a staged plan from a stored boundary when there is one', () => {
    const plan = planExtraction(
      input({
        points: cnnPoints().slice(2),
        strategy: 'staged',
        startFrom: { name: 'block2', rawValues: 128 * 16 * 16 },
      }),
    );
    expect(plan.stages[0]!.from).toBe('block2');
  });
});

describe('parseMemorySize', () => {
  it('reads binary single-letter units and decimal MB/GB', () => {
    expect(parseMemorySize('2G')).toBe(2 * 2 ** 30);
    expect(parseMemorySize('512M')).toBe(512 * MiB);
    expect(parseMemorySize('1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(parseMemorySize('3GB')).toBe(3e9);
    expect(parseMemorySize('2000000')).toBe(2_000_000);
    expect(() => parseMemorySize('lots')).toThrow(/--memory/);
    expect(() => parseMemorySize('10K')).toThrow(/below 1 MiB/);
  });
});
