import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadConfig } from '../../src/train/heads/head-config.js';
import { train } from '../../src/train/mop/train.js';
import type { TrainOutcome } from '../../src/train/mop/train-job.js';
import { runJobFullSchema } from '../../src/train/run-folder/run-job-file.js';
import {
  readRunResults,
  trainOutcomeFileSchema,
  trainOutcomeSchema,
} from '../../src/train/run-folder/run-results.js';
import { runVisitsFileSchema } from '../../src/train/run-folder/run-visits.js';
import { createGroupedStore } from './synthetic-grouped-store.js';

/**
 * The run folder's types are inferred from its full schemas: a real run's run.json, visits.json and
 * results.json (MOP worker threads, a real LMDB store, grouped learning on) must parse with them
 * exactly (strict objects: no field the schemas do not state), and the readers still accept an
 * older run's results.json that lacks fields the trainer writes today.
 */

const heads: HeadConfig[] = [
  { type: 'linear', lr: 0.1, l2: 0, batchSize: 16, momentum: 0.9, optimizer: 'sgd' },
  {
    type: 'mlp',
    hidden: [8],
    lr: 0.01,
    l2: 1e-4,
    batchSize: 16,
    momentum: 0,
    optimizer: 'adam',
    dropout: 0.1,
  },
];

describe('run folder files against their full schemas (a real grouped run)', () => {
  let store: ReturnType<typeof createGroupedStore>;
  let outcome: TrainOutcome;
  let runDir: string;
  const file = (name: string) => JSON.parse(readFileSync(join(runDir, name), 'utf8')) as unknown;

  beforeAll(async () => {
    store = createGroupedStore();
    runDir = join(dirname(store.dir), 'run');
    const job = {
      storeDir: store.dir,
      featureSets: store.featureSets,
      heads,
      epochs: 2,
      workers: 2,
      seed: 3,
      groups: true,
      minGroupRecords: 20,
    };
    outcome = await train(job, { sink: () => {}, runDir });
  });
  afterAll(() => rmSync(dirname(store.dir), { recursive: true, force: true }));

  it('the in-process outcome is what trainOutcomeSchema states', () => {
    expect(trainOutcomeSchema.safeParse(outcome).error?.issues).toBeUndefined();
    expect(outcome.groups).toBeDefined();
  });

  it('results.json, visits.json and run.json parse with their full schemas', () => {
    const results = trainOutcomeFileSchema.safeParse(file('results.json'));
    expect(results.error?.issues).toBeUndefined();
    expect(results.data).toEqual(JSON.parse(JSON.stringify(outcome)));
    expect(runVisitsFileSchema.safeParse(file('visits.json')).error?.issues).toBeUndefined();
    expect(runJobFullSchema.safeParse(file('run.json')).error?.issues).toBeUndefined();
  });

  it('the full schemas refuse a field they do not state (they are not loose)', () => {
    const results = file('results.json') as Record<string, unknown>;
    const parsed = trainOutcomeFileSchema.safeParse({ ...results, extra: 1 });
    expect(parsed.success).toBe(false);
  });

  it('the reader still accepts an older results.json without status or test metrics', () => {
    const results = file('results.json') as { models: Record<string, unknown>[] };
    for (const m of results.models)
      for (const key of ['status', 'testAccuracy', 'testMacroF1', 'testLoss', 'testValue']) delete m[key];
    writeFileSync(join(runDir, 'results.json'), JSON.stringify(results));
    expect(readRunResults(runDir)!.models).toHaveLength(outcome.models.length);
  });
});
