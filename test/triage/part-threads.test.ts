import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureStore } from '../../src/store/feature-store.js';
import { logme } from '../../src/triage/logme.js';
import { TRIAGE_METHODS } from '../../src/triage/methods.js';
import { momentsOf } from '../../src/triage/moments.js';
import { PART_ROWS } from '../../src/triage/part-work.js';
import { projectRows, randomProjection } from '../../src/triage/project.js';
import { scoreFeatureSets } from '../../src/triage/score-feature-sets.js';
import { createSyntheticStore, type SyntheticStore } from '../train/synthetic-store.js';

const CLASSES = 3;
const DIMS = [12, 160];
/** about 60% of the records are train rows: several parts, the last one short */
const RECORDS = 6 * PART_ROWS + 517;

describe('triage in parts across threads', () => {
  let fixture: SyntheticStore;
  beforeAll(() => {
    fixture = createSyntheticStore({ records: RECORDS, classes: CLASSES, dims: DIMS, seed: 17 });
  });
  afterAll(() => rmSync(dirname(fixture.dir), { recursive: true, force: true }));

  it('gives bit for bit the same scores on 1, 2 and 3 threads, for every method', () => {
    for (const method of TRIAGE_METHODS) {
      const runs = [1, 2, 3].map((threads) =>
        scoreFeatureSets(fixture.dir, fixture.featureSets, { method, dims: 64, threads }).layers.map((l) => [
          l.layer,
          l.score,
        ]),
      );
      expect(runs[1], method).toEqual(runs[0]);
      expect(runs[2], method).toEqual(runs[0]);
      for (const [, score] of runs[0]!) expect(Number.isFinite(score), method).toBe(true);
    }
  });

  it('adds the parts up to the moments of all the train rows at once', () => {
    const store = FeatureStore.open(fixture.dir, { write: false });
    const { labels, split } = store.records();
    const train = Array.from({ length: RECORDS }, (_, r) => r).filter((r) => split[r] === 0);
    expect(train.length).toBeGreaterThan(3 * PART_ROWS);
    const values = fixture.featureSets.map(({ key }) => store.readRows(key, Int32Array.from(train)));
    store.close();
    const scores = scoreFeatureSets(fixture.dir, fixture.featureSets, {
      method: 'logme',
      dims: 64,
      threads: 2,
    });
    fixture.featureSets.forEach(({ layer }, s) => {
      // reference: the whole train split standardised in two plain passes, projected, then moments
      const dims = DIMS[s]!;
      const x = values[s]!;
      const mean = new Float64Array(dims);
      const std = new Float64Array(dims);
      for (let i = 0; i < train.length; i++)
        for (let d = 0; d < dims; d++) mean[d] = mean[d]! + x[i * dims + d]! / train.length;
      for (let i = 0; i < train.length; i++)
        for (let d = 0; d < dims; d++) std[d] = std[d]! + (x[i * dims + d]! - mean[d]!) ** 2 / train.length;
      const scaled = new Float64Array(train.length * dims);
      for (let i = 0; i < train.length; i++)
        for (let d = 0; d < dims; d++)
          scaled[i * dims + d] = (x[i * dims + d]! - mean[d]!) / Math.sqrt(std[d]!);
      const projection = randomProjection(dims, 64, 1);
      const z = projectRows(projection, scaled, train.length);
      const reference = logme(
        momentsOf(
          z,
          train.map((r) => labels[r]!),
          projection.to,
          CLASSES,
        ),
      );
      const score = scores.layers.find((l) => l.layer === layer)!.score;
      expect(Math.abs(score - reference) / Math.abs(reference)).toBeLessThan(1e-9);
    });
  });
});
