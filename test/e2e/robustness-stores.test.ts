import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { randomIdx, writeIdxPair } from '../data/write-datasets.js';
import { expectCleanFailure, expectCleanJsonFailure } from './fixtures/expect-failure.js';
import { failureCatalogue, type FailureCase } from './fixtures/failure-catalogue.js';
import { interruptCli } from './fixtures/interrupt-cli.js';
import { parseNdjson } from './cli-run.js';
import type { RobustnessWorld } from './fixtures/robustness-world.js';
import { rewriteStoreMeta } from './fixtures/store-meta.js';
import { storeSnapshot } from './fixtures/store-snapshot.js';
import { mountTmpfs } from './fixtures/tmpfs-mount.js';

/** A copy of the shared store whose manifest says a newer layerlab wrote it. */
const newerStore = (name: string) => async (w: RobustnessWorld) => {
  await rewriteStoreMeta(w.copyStore(name), 'store', (text) =>
    JSON.stringify({ ...(JSON.parse(text) as object), formatVersion: 99 }),
  );
};
/** A copy of the shared store whose record table is cut short (a damaged disk, a foreign writer). */
const damagedStore = (name: string) => async (w: RobustnessWorld) => {
  await rewriteStoreMeta(w.copyStore(name), 'records', (text) => text.slice(0, text.length / 2));
};
const storeCopy = (w: RobustnessWorld, name: string) => join(w.root, 'stores', name);

const cases: FailureCase[] = [
  {
    name: 'train: a store from a newer, incompatible format',
    prepare: newerStore('newer-train'),
    args: (w) => ['train', '--store', storeCopy(w, 'newer-train'), '--epochs', '1'],
    exit: 78,
    fix: /format version 99, newer than this layerlab reads .*upgrade layerlab, or extract into another --store/,
    guard: (w) => storeCopy(w, 'newer-train'),
  },
  {
    name: 'store verify: a store from a newer, incompatible format',
    prepare: newerStore('newer-verify'),
    args: (w) => ['store', 'verify', storeCopy(w, 'newer-verify')],
    exit: 78,
    fix: /format version 99.*upgrade layerlab/,
    guard: (w) => storeCopy(w, 'newer-verify'),
  },
  {
    name: 'extract: adding a layer to a store from a newer format',
    prepare: newerStore('newer-extract'),
    args: (w) => [
      'extract',
      w.model,
      w.data,
      '--layers',
      'head/logits',
      '--store',
      storeCopy(w, 'newer-extract'),
    ],
    exit: 78,
    fix: /format version 99.*upgrade layerlab/,
    guard: (w) => storeCopy(w, 'newer-extract'),
  },
  {
    name: 'store verify: damaged store metadata',
    prepare: damagedStore('damaged-verify'),
    args: (w) => ['store', 'verify', storeCopy(w, 'damaged-verify')],
    exit: 65,
    fix: /is damaged \(its records record is not valid JSON\); remove it with `layerlab store gc` and extract again/,
    guard: (w) => storeCopy(w, 'damaged-verify'),
  },
  {
    name: 'train: damaged store metadata',
    prepare: damagedStore('damaged-train'),
    args: (w) => ['train', '--store', storeCopy(w, 'damaged-train'), '--epochs', '1'],
    exit: 65,
    fix: /is damaged .*extract again/,
    guard: (w) => storeCopy(w, 'damaged-train'),
  },
  {
    name: 'extract: a store locked by another writer',
    prepare: (w) => {
      const dir = w.copyStore('locked');
      const holder = {
        pid: 1,
        host: hostname(),
        command: 'layerlab extract (elsewhere)',
        since: new Date().toISOString(),
      };
      writeFileSync(join(dir, 'writer.lock'), JSON.stringify(holder));
    },
    args: (w) => ['extract', w.model, w.data, '--layers', 'head/logits', '--store', storeCopy(w, 'locked')],
    exit: 73,
    fix: /is being written by pid 1 .*wait for it or stop it/,
    guard: (w) => storeCopy(w, 'locked'),
  },
  {
    name: 'extract: a home that cannot be created (under a regular file)',
    args: (w) => ['--home', `${w.model}/home`, 'extract', w.model, w.data],
    exit: 73,
    fix: /\(ENOTDIR\); pass --home or --store with a writable folder/,
  },
  {
    name: 'train: runs cannot be recorded (home under a regular file)',
    args: (w) => ['--home', `${w.model}/home`, 'train', '--store', w.store, '--epochs', '1'],
    exit: 73,
    fix: /cannot create the run folder .*\(ENOTDIR\); pass --home with a writable folder/,
  },
  {
    name: 'doctor: an unusable home',
    args: (w) => ['--home', `${w.model}/home`, 'doctor'],
    exit: 78,
    fix: /check\(s\) failed: home; see the fixes above/,
  },
];

failureCatalogue('robustness: stores, homes and interruptions', cases, (world) => {
  it('extract: a read-only home (a read-only tmpfs mount)', async (context) => {
    const w = world();
    const home = join(w.root, 'read-only-home');
    const refused = mountTmpfs(home, { size: '1m', readOnly: true });
    if (refused) return context.skip(refused);
    w.mounts.push(home);
    const run = await w.cli(['--home', home, 'extract', w.model, w.data]);
    // mkdir on a read-only mount reports ENOENT or EROFS, depending on the kernel
    expectCleanFailure(run, 73, /cannot create the store .*; pass --home or --store with a writable folder/);
  });

  it('extract: the disk is full (a 2 MiB tmpfs), and a store already on it is untouched', async (context) => {
    const w = world();
    const disk = join(w.root, 'small-disk');
    const refused = mountTmpfs(disk, { size: '2m' });
    if (refused) return context.skip(refused);
    w.mounts.push(disk);
    const onDisk = join(disk, 'existing-store');
    const copied = await w.cli(['extract', w.model, w.data, '--layers', 'head/pool', '--store', onDisk]);
    expect(copied.code, copied.stderr).toBe(0);
    const before = storeSnapshot(onDisk);
    // the built-in pipeline's default store is about 4 MiB: more than the disk holds
    const run = await w.cli([
      '--home',
      join(disk, 'home'),
      'extract',
      'builtin:shapes-cnn',
      'builtin:shapes',
    ]);
    expectCleanFailure(
      run,
      74,
      /needs about .* MiB but .* MiB are free; free disk space or pass --store elsewhere/,
    );
    expect(storeSnapshot(onDisk)).toBe(before);
  });

  it('extract: interrupted (Ctrl-C) keeps its finished batches, and a re-run completes the store', async () => {
    const w = world();
    const data = join(w.root, 'bigger-idx');
    writeIdxPair(data, 'train', randomIdx(3000, 9, 3));
    const store = join(w.root, 'interrupted-store');
    const args = [
      '--home',
      w.home,
      'extract',
      w.model,
      data,
      '--store',
      store,
      '--batch-size',
      '8',
      '--progress-ms',
      '0',
    ];
    const stopped = await interruptCli(args, 'extract.progress');
    expect(stopped.interrupted).toBe(true);
    expectCleanJsonFailure(stopped, 130, /interrupted; finished work is saved/);
    const verify = await w.cli(['store', 'verify', store, '--json']);
    expect(verify.code, verify.stderr).toBe(0);
    const resumed = await w.cli(['extract', w.model, data, '--store', store, '--batch-size', '8', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(parseNdjson(resumed.stdout).at(-1)).toMatchObject({ type: 'result', cached: false });
  });

  it('train: interrupted (Ctrl-C) is recorded as such and resumes to the end', async () => {
    const w = world();
    const before = storeSnapshot(w.store);
    const stopped = await interruptCli(
      ['--home', w.home, 'train', '--store', w.store, '--epochs', '30', '--workers', '2'],
      'train.epoch',
    );
    expect(stopped.interrupted).toBe(true);
    expectCleanJsonFailure(stopped, 130, /interrupted; finished work is saved/);
    const run = String(parseNdjson(stopped.stdout).find((e) => e.type === 'train.start')!.run);
    const meta = JSON.parse(readFileSync(join(w.home, 'runs', run, 'run-meta.json'), 'utf8')) as {
      status: string;
    };
    expect(meta.status).toBe('interrupted');
    const resumed = await w.cli(['train', '--resume', run, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(existsSync(join(w.home, 'runs', run, 'results.json'))).toBe(true);
    expect(storeSnapshot(w.store)).toBe(before);
  });
});
