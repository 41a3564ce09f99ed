import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { randomPng } from '../data/write-datasets.js';
import { parseNdjson } from './cli-run.js';
import { failureCatalogue, type FailureCase } from './fixtures/failure-catalogue.js';
import type { RobustnessWorld } from './fixtures/robustness-world.js';
import { storeSnapshot } from './fixtures/store-snapshot.js';

/**
 * Damaged run folders, links and odd paths in datasets, --out paths in the way, and data too small
 * to train on. Damaged runs are copies of the world's finished run, so the original must stay usable.
 */

const runCopy = (w: RobustnessWorld, name: string) => join(w.root, 'run-copies', name);

/** A copy of the finished run with one of its files replaced by `damage(original text)`. */
const damagedRun = (name: string, file: string, damage: (text: string) => string) => (w: RobustnessWorld) => {
  const dir = runCopy(w, name);
  cpSync(join(w.home, 'runs', w.run), dir, { recursive: true });
  writeFileSync(join(dir, file), damage(readFileSync(join(dir, file), 'utf8')));
};
/** results.json cut short, as a full disk leaves it. */
const truncated = (text: string) => text.slice(0, Math.floor(text.length / 3));

/** An image-folder dataset of two classes, with `extra` added to it (a link, an odd file). */
const imageFolder =
  (name: string, extra: (dir: string) => void) =>
  async (w: RobustnessWorld): Promise<void> => {
    const dir = join(w.root, 'images', name);
    for (const label of ['cat', 'dog'])
      for (let i = 0; i < 3; i++) {
        mkdirSync(join(dir, label), { recursive: true });
        writeFileSync(join(dir, label, `${i}.png`), await randomPng(300 + i));
      }
    extra(dir);
  };
const images = (w: RobustnessWorld, name: string) => join(w.root, 'images', name);

const cases: FailureCase[] = [
  {
    name: 'train: a store of one image of one class',
    prepare: async (w) => {
      const data = join(w.root, 'images', 'one-image');
      mkdirSync(join(data, 'cat'), { recursive: true });
      writeFileSync(join(data, 'cat', 'only.png'), await randomPng(7));
      const run = await w.cli(['extract', w.model, data, '--store', join(w.root, 'one-image-store')]);
      if (run.code !== 0) throw new Error(run.stderr);
    },
    args: (w) => ['train', '--store', join(w.root, 'one-image-store'), '--epochs', '1', '--workers', '2'],
    exit: 65,
    fix: /has 1 train record \(1 in all\); training needs at least two, of two or more classes: add records and extract again/,
    guard: (w) => join(w.root, 'one-image-store'),
  },
  {
    name: 'extract: an image folder holding a symbolic link loop',
    prepare: imageFolder('link-loop', (dir) => symlinkSync('loop.png', join(dir, 'cat', 'loop.png'))),
    args: (w) => ['extract', w.model, images(w, 'link-loop'), '--store', join(w.root, 'loop-store')],
    exit: 65,
    fix: /cat\/loop\.png is a symbolic link loop; remove the link/,
    absent: (w) => join(w.root, 'loop-store'),
  },
  {
    name: 'extract: an image folder holding a link to its own parent folder',
    prepare: imageFolder('parent-link', (dir) => symlinkSync('..', join(dir, 'dog', 'again'))),
    args: (w) => ['extract', w.model, images(w, 'parent-link'), '--store', join(w.root, 'parent-store')],
    exit: 65,
    fix: /links back to a folder that contains it \(a loop\); remove the link/,
    absent: (w) => join(w.root, 'parent-store'),
  },
  {
    name: 'extract: an image folder holding a link to nothing',
    prepare: imageFolder('dangling', (dir) => symlinkSync('gone', join(dir, 'cat', 'gone-dir'))),
    args: (w) => ['extract', w.model, images(w, 'dangling'), '--store', join(w.root, 'dangling-store')],
    exit: 65,
    fix: /cat\/gone-dir is a symbolic link to nothing; remove it/,
    absent: (w) => join(w.root, 'dangling-store'),
  },
  {
    name: 'store export: --out is an existing file',
    args: (w) => ['store', 'export', w.store, '--layer', 'head/pool', '--format', 'npy', '--out', w.model],
    exit: 74,
    fix: /--out .*tiny\.onnx is a file, not a folder; pass --out with a new or existing folder/,
  },
  {
    name: 'store export: --out inside a regular file',
    args: (w) => [
      'store',
      'export',
      w.store,
      '--layer',
      'head/pool',
      '--format',
      'csv',
      '--out',
      `${w.model}/features`,
    ],
    exit: 74,
    fix: /is inside a file, not a folder; pass --out with a writable folder/,
  },
  {
    name: 'results: a run whose results.json was cut short',
    prepare: damagedRun('cut-results', 'results.json', truncated),
    args: (w) => ['results', runCopy(w, 'cut-results')],
    exit: 65,
    fix: /cut-results\/results\.json is damaged \(it is not valid JSON\); rebuild it .*`layerlab train --resume cut-results`/,
  },
  {
    name: 'results --format csv: a run whose results.json is empty',
    prepare: damagedRun('empty-results', 'results.json', () => ''),
    args: (w) => ['results', runCopy(w, 'empty-results'), '--format', 'csv'],
    exit: 65,
    fix: /results\.json is damaged \(it is empty\)/,
  },
  {
    name: 'results: a run whose results.json was edited into the wrong shape',
    prepare: damagedRun('edited-results', 'results.json', (text) =>
      JSON.stringify({ ...(JSON.parse(text) as object), models: 'all of them' }),
    ),
    args: (w) => ['results', runCopy(w, 'edited-results')],
    exit: 65,
    fix: /results\.json is damaged \(models: .*\); rebuild it from the run's checkpoints/,
  },
  {
    name: 'report: a run whose results.json was cut short',
    prepare: damagedRun('cut-report', 'results.json', truncated),
    args: (w) => ['report', runCopy(w, 'cut-report'), '--out', join(w.root, 'cut-report.html')],
    exit: 65,
    fix: /cut-report\/results\.json is damaged .*train --resume/,
    absent: (w) => join(w.root, 'cut-report.html'),
  },
  {
    name: 'export-head: a run whose results.json was cut short',
    prepare: damagedRun('cut-export', 'results.json', truncated),
    args: (w) => ['export-head', '--run', runCopy(w, 'cut-export'), '--out', join(w.root, 'cut.onnx')],
    exit: 65,
    fix: /cut-export\/results\.json is damaged .*train --resume/,
    absent: (w) => join(w.root, 'cut.onnx'),
  },
  {
    name: 'predict: a run whose results.json was cut short',
    prepare: damagedRun('cut-predict', 'results.json', truncated),
    args: (w) => [
      'predict',
      '--run',
      runCopy(w, 'cut-predict'),
      '--data',
      w.data,
      '--out',
      join(w.root, 'cut.csv'),
    ],
    exit: 65,
    fix: /cut-predict\/results\.json is damaged/,
    absent: (w) => join(w.root, 'cut.csv'),
  },
  {
    name: 'export-head: a run whose run.json was cut short',
    prepare: damagedRun('cut-job', 'run.json', truncated),
    args: (w) => ['export-head', '--run', runCopy(w, 'cut-job'), '--out', join(w.root, 'job.onnx')],
    exit: 65,
    fix: /cut-job\/run\.json is damaged \(it is not valid JSON\); .*delete the run folder/,
  },
  {
    name: 'train --resume: a run whose run.json was cut short',
    prepare: damagedRun('cut-resume', 'run.json', truncated),
    args: (w) => ['train', '--resume', runCopy(w, 'cut-resume')],
    exit: 65,
    fix: /cut-resume\/run\.json is damaged .*delete the run folder and train again/,
  },
  {
    name: 'results: a run whose run-meta.json is empty',
    prepare: damagedRun('empty-meta', 'run-meta.json', () => ''),
    args: (w) => ['results', runCopy(w, 'empty-meta')],
    exit: 65,
    fix: /empty-meta\/run-meta\.json is damaged \(it is empty\); delete the run folder/,
  },
];

failureCatalogue('robustness: run folders, links and output paths', cases, (world) => {
  it('the world run and store stay usable, and a damaged run among them leaves the list whole', async () => {
    const w = world();
    damagedRun('listed', 'run-meta.json', truncated)(w);
    cpSync(runCopy(w, 'listed'), join(w.home, 'runs', 'run-19700101-000000-dead'), { recursive: true });
    const list = await w.cli(['results', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const ids = (JSON.parse(list.stdout) as { runs: { id: string }[] }).runs.map((r) => r.id);
    expect(ids).toContain(w.run);
    const results = await w.cli(['results', w.run, '--json']);
    expect(results.code, results.stderr).toBe(0);
    expect(JSON.parse(results.stdout)).toMatchObject({ type: 'result', run: w.run });
    const head = await w.cli(['export-head', '--run', w.run, '--out', join(w.root, 'usable.onnx')]);
    expect(head.code, head.stderr).toBe(0);
  });

  it('train --resume rebuilds a damaged results.json from the checkpoints', async () => {
    const w = world();
    damagedRun('rebuilt', 'results.json', truncated)(w);
    const before = storeSnapshot(w.store);
    const resumed = await w.cli(['train', '--resume', runCopy(w, 'rebuilt'), '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(parseNdjson(resumed.stdout).at(-1)).toMatchObject({ type: 'result' });
    const results = await w.cli(['results', runCopy(w, 'rebuilt'), '--json']);
    expect(results.code, results.stderr).toBe(0);
    expect(storeSnapshot(w.store)).toBe(before);
  });
});
