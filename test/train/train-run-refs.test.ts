import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { homeLayout } from '../../src/core/paths.js';
import { RunStore } from '../../src/store/run-store.js';
import { trainRunRefs } from '../../src/pipeline/train-run.js';
import { createSyntheticStore } from './synthetic-store.js';

describe('trainRunRefs: what the live view of `train` is titled with', () => {
  const home = homeLayout(mkdtempSync(join(tmpdir(), 'layerlab-home-')));

  it("reads the model and dataset from the store's manifest, not its folder name", () => {
    const { dir } = createSyntheticStore({ records: 20 });
    const refs = trainRunRefs(home, { store: dir });
    expect(refs).toEqual({ model: 'builtin:synthetic', dataset: 'builtin:blobs', store: dir });
    expect(Object.values(refs)).not.toContain(basename(dir));
  });

  it("reads a resumed run's record", () => {
    const run = RunStore.create(home.runs, 'run-refs', {
      command: 'train',
      model: 'models/bert.onnx',
      data: 'reviews.csv',
      store: '/stores/s',
    });
    expect(trainRunRefs(home, { resume: 'run-refs' })).toEqual({
      model: 'models/bert.onnx',
      dataset: 'reviews.csv',
      store: '/stores/s',
    });
    expect(trainRunRefs(home, { resume: run.dir })).toMatchObject({ model: 'models/bert.onnx' });
  });

  it('is empty, not failing, when there is nothing to read yet (train reports that itself)', () => {
    expect(trainRunRefs(home, { store: join(home.root, 'no-such-store') })).toEqual({
      model: '',
      dataset: '',
    });
    expect(trainRunRefs(home, { resume: 'run-none' })).toEqual({ model: '', dataset: '' });
  });
});
