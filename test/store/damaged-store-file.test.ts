import { copyFileSync, mkdirSync, openSync, statSync, truncateSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isLayerlabError } from '../../src/core/errors.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { lmdbHeaderProblem } from '../../src/store/feature-store/lmdb-header.js';
import { tempDir } from '../data/write-datasets.js';
import { extractedStore } from './store-fixture.js';

/**
 * lmdb-js crashes the whole process (a segmentation fault) when it maps a file whose meta pages are
 * garbage. A store's features.mdb is checked before LMDB sees it: in this process, a crash would end
 * the test run instead of failing one test.
 */
describe('a damaged features.mdb', () => {
  let good: string;
  beforeAll(async () => {
    good = join((await extractedStore(12)).storeDir, 'features.mdb');
  });

  /** A copy of the good store with `damage` applied to its data file. */
  function damagedCopy(damage: (file: string) => void): string {
    const dir = join(tempDir('layerlab-damaged-'), 'store');
    mkdirSync(dir);
    const file = join(dir, 'features.mdb');
    copyFileSync(good, file);
    damage(file);
    return dir;
  }
  const overwrite = (at: number, bytes: number) => (file: string) => {
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(bytes, 0xa5), 0, bytes, at);
    closeSync(fd);
  };
  const openError = (dir: string, write: boolean) => {
    try {
      FeatureStore.open(dir, { write }).close();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('passes the check when it is LMDB’s own', () => {
    expect(lmdbHeaderProblem(good, statSync(good).size)).toBeUndefined();
  });

  it.each([
    ['the first meta page overwritten', overwrite(0, 4096), 'not an LMDB file'],
    ['the second meta page overwritten', overwrite(4096, 4096), 'not an LMDB file'],
    ['cut to 5,000 bytes', (file: string) => truncateSync(file, 5000), 'cut short'],
  ] as const)('%s: named, and refused to readers and writers alike', (_, damage, problem) => {
    const dir = damagedCopy(damage);
    const file = join(dir, 'features.mdb');
    expect(lmdbHeaderProblem(file, statSync(file).size)).toBe(problem);
    for (const write of [false, true]) {
      const error = openError(dir, write);
      expect(isLayerlabError(error) && error.code).toBe('BAD_DATA');
      expect(String((error as Error).message)).toContain(
        `its features.mdb ${problem === 'cut short' ? 'is cut short' : 'is not an LMDB file'}); remove it with \`layerlab store gc store --all\``,
      );
    }
  });

  it('an empty file is still a store its writer is about to create', () => {
    const dir = damagedCopy((file) => truncateSync(file, 0));
    const store = FeatureStore.open(dir, { write: true });
    store.close();
    expect(
      lmdbHeaderProblem(join(dir, 'features.mdb'), statSync(join(dir, 'features.mdb')).size),
    ).toBeUndefined();
  });
});
