import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLayerlabError } from '../../src/core/errors.js';
import type { HeadConfig } from '../../src/train/heads/head-config.js';
import { train } from '../../src/train/mop/train.js';
import type { TrainJob, TrainOutcome } from '../../src/train/mop/train-job.js';
import type { GroupResults } from '../../src/train/run-folder/group-results.js';
import { readRunResults } from '../../src/train/run-folder/run-results.js';
import { readGroupedModelState } from '../../src/train/run-folder/grouped-states.js';
import { createGroupedStore } from './synthetic-grouped-store.js';
import { createSyntheticStore } from './synthetic-store.js';

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
    classWeight: 'balanced',
  },
];

describe('train with groups (grouped learning over MOP worker threads and a real store)', () => {
  let store: ReturnType<typeof createGroupedStore>;
  let outcome: TrainOutcome;
  let runDir: string;

  beforeAll(async () => {
    store = createGroupedStore();
    const job: TrainJob = {
      storeDir: store.dir,
      featureSets: store.featureSets,
      heads,
      epochs: 4,
      workers: 2,
      seed: 7,
      groups: true,
      minGroupRecords: 20,
    };
    runDir = join(dirname(store.dir), 'run');
    outcome = await train(job, { sink: () => {}, runDir });
  });
  afterAll(() => rmSync(dirname(store.dir), { recursive: true, force: true }));

  it('lists the groups it trained and the ones too small, with their records', () => {
    const section = outcome.groups!;
    expect(section.groups.map((g) => g.name)).toEqual(['g0', 'g1', 'g2', 'g3']);
    expect(section.skipped.map((g) => g.name)).toEqual(['tiny']);
    expect(section.skipped[0]!.records.train).toBeLessThan(20);
    for (const g of section.groups) expect(g.records.train).toBeGreaterThanOrEqual(20);
  });

  it('picks each group its own best layer, and per-group heads beat the shared head by far', () => {
    const byName = new Map(outcome.groups!.groups.map((g) => [g.name, g]));
    expect(byName.get('g0')!.best.layer).toBe('early');
    expect(byName.get('g1')!.best.layer).toBe('early');
    expect(byName.get('g2')!.best.layer).toBe('late');
    expect(byName.get('g3')!.best.layer).toBe('late');
    for (const g of byName.values()) {
      expect(g.best.test!).toBeGreaterThan(0.85);
      expect(g.best.test! - g.shared.test!).toBeGreaterThan(0.15);
      expect(g.layers.map((l) => l.layer)).toEqual(['early', 'late']);
    }
    // the shared head can follow at most one of each pair's opposite rules
    const mean = (f: (g: GroupResults['groups'][number]) => number) =>
      [...byName.values()].reduce((n, g) => n + f(g), 0) / byName.size;
    expect(mean((g) => g.best.test!) - mean((g) => g.shared.test!)).toBeGreaterThan(0.3);
  });

  it('writes the section to results.json, where the results reader validates it', () => {
    const read = readRunResults(runDir)!;
    expect(read.groups).toEqual(JSON.parse(JSON.stringify(outcome.groups)));
    const raw = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as TrainOutcome;
    expect(raw.groups!.minRecords).toBe(20);
  });

  it("keeps every group's weights in the run folder, readable per (model, group)", () => {
    const g2 = outcome.groups!.groups.find((g) => g.name === 'g2')!;
    const state = readGroupedModelState(runDir, g2.best.id, 'g2')!;
    expect(state.W0!.dims).toEqual([4, 2]);
    expect(readGroupedModelState(runDir, g2.best.id, 'tiny')).toBeUndefined();
  });

  it('refuses --groups on a store without groups, naming the fix', async () => {
    const plain = createSyntheticStore();
    const job: TrainJob = {
      storeDir: plain.dir,
      featureSets: plain.featureSets,
      heads,
      epochs: 1,
      workers: 1,
      seed: 7,
      groups: true,
    };
    const error = await train(job, { sink: () => {}, runDir: join(dirname(plain.dir), 'run') }).catch(
      (e: unknown) => e,
    );
    rmSync(dirname(plain.dir), { recursive: true, force: true });
    expect(isLayerlabError(error) && error.code).toBe('CONFIG');
    expect((error as Error).message).toMatch(/no data groups; extract with --group-column/);
  });
});
