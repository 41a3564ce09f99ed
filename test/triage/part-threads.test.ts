import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { logme } from '../../src/triage/logme.js';
import { TRIAGE_METHODS } from '../../src/triage/methods.js';
import { momentsOf } from '../../src/triage/moments.js';
import { PART_ROWS } from '../../src/triage/part-work.js';
import { projectRows, randomProjection } from '../../src/triage/project.js';
import { scoreFeatureSets } from '../../src/triage/score-feature-sets.js';

const RECORDS = 3 * PART_ROWS + 517;
const CLASSES = 3;
const SETS = [
  { key: 'narrow', layer: 'narrow', dims: 12 },
  { key: 'wide', layer: 'wide', dims: 160 },
];

/**
 * A real store of two float32 sets whose features carry the label (class mean plus noise, with an
 * offset so the scaling's shift matters), every fifth record in the validation split.
 */
function labelledStore(): { dir: string; labels: Int32Array; split: Uint8Array; values: Float32Array[] } {
  const dir = mkdtempSync(join(tmpdir(), 'layerlab-part-threads-'));
  const rng = new Rng(17);
  const labels = Int32Array.from({ length: RECORDS }, () => Math.floor(rng.next() * CLASSES));
  const split = Uint8Array.from({ length: RECORDS }, (_, r) => (r % 5 === 4 ? 1 : 0));
  const values = SETS.map(({ dims }) =>
    Float32Array.from({ length: RECORDS * dims }, (_, i) => {
      const d = i % dims;
      const label = labels[Math.floor(i / dims)]!;
      return 100 + (d % CLASSES === label ? 1.5 : 0) + rng.normal();
    }),
  );
  const store = FeatureStore.open(dir, { write: true });
  store.initialize(
    {
      formatVersion: 1,
      id: 'part-threads',
      createdAt: '2026-01-01T00:00:00.000Z',
      model: { ref: 'm', digest: 'md' },
      dataset: { ref: 'd', digest: 'dd', records: RECORDS, classNames: ['a', 'b', 'c'] },
      preprocessing: {},
      preprocessingDigest: 'pd',
      libraryVersions: {},
    },
    { labels, split, ids: Array.from({ length: RECORDS }, String) },
  );
  const batchSize = 1000;
  const batches = Math.ceil(RECORDS / batchSize);
  SETS.forEach(({ key, dims }, s) => {
    store.beginFeatureSet({
      key,
      layer: key,
      point: key,
      pooling: 'mean',
      dims,
      dtype: 'float32',
      records: RECORDS,
      batchSize,
      batches,
      complete: false,
      createdAt: '',
    });
    for (let b = 0; b < batches; b++) {
      const rows = Math.min(batchSize, RECORDS - b * batchSize);
      const from = b * batchSize * dims;
      store.writeBatch(b, [{ key, values: values[s]!.slice(from, from + rows * dims), rows, dims }]);
    }
    store.completeFeatureSet(key);
  });
  store.close();
  return { dir, labels, split, values };
}

describe('triage in parts across threads', () => {
  let fixture: ReturnType<typeof labelledStore>;
  beforeAll(() => {
    fixture = labelledStore();
  });
  afterAll(() => rmSync(fixture.dir, { recursive: true, force: true }));

  it('gives bit for bit the same scores on 1, 2 and 3 threads, for every method', () => {
    for (const method of TRIAGE_METHODS) {
      const runs = [1, 2, 3].map((threads) =>
        scoreFeatureSets(fixture.dir, SETS, { method, dims: 64, threads }).layers.map((l) => [
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
    const train = Array.from({ length: RECORDS }, (_, r) => r).filter((r) => fixture.split[r] === 0);
    const scores = scoreFeatureSets(fixture.dir, SETS, { method: 'logme', dims: 64, threads: 2 });
    SETS.forEach(({ layer, dims }, s) => {
      // reference: the whole train split standardised in two plain passes, projected, then moments
      const x = fixture.values[s]!;
      const mean = new Float64Array(dims);
      const std = new Float64Array(dims);
      for (const r of train)
        for (let d = 0; d < dims; d++) mean[d] = mean[d]! + x[r * dims + d]! / train.length;
      for (const r of train)
        for (let d = 0; d < dims; d++) std[d] = std[d]! + (x[r * dims + d]! - mean[d]!) ** 2 / train.length;
      const scaled = new Float64Array(train.length * dims);
      train.forEach((r, i) => {
        for (let d = 0; d < dims; d++)
          scaled[i * dims + d] = (x[r * dims + d]! - mean[d]!) / Math.sqrt(std[d]!);
      });
      const projection = randomProjection(dims, 64, 1);
      const z = projectRows(projection, scaled, train.length);
      const reference = logme(
        momentsOf(
          z,
          train.map((r) => fixture.labels[r]!),
          projection.to,
          CLASSES,
        ),
      );
      const score = scores.layers.find((l) => l.layer === layer)!.score;
      expect(Math.abs(score - reference) / Math.abs(reference)).toBeLessThan(1e-9);
    });
  });
});
