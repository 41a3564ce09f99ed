import { cpSync, openSync, writeSync, closeSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { storeListSchema } from '../../src/core/contract/store.js';
import { randomIdx, tempDir, writeIdxPair } from '../data/write-datasets.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { parseNdjson, runCli } from './cli-run.js';

/** One damaged store among healthy ones: it must not hide them, crash the CLI, or be impossible to remove. */
describe('a damaged store beside a healthy one', () => {
  let home: string;
  let healthy: string;
  const cli = (...args: string[]) => runCli(['--home', home, ...args]);
  beforeAll(async () => {
    const dir = tempDir('layerlab-store-damaged-');
    const model = join(dir, 'tiny.onnx');
    writeFileSync(model, tinyCnn());
    const data = join(dir, 'data');
    writeIdxPair(data, 'train', randomIdx(24, 8));
    home = join(dir, 'home');
    const run = await cli('extract', model, data, '--layers', 'head/pool', '--json');
    expect(run.code, run.stderr).toBe(0);
    healthy = String(parseNdjson(run.stdout).at(-1)!.store);
    const broken = join(home, 'stores', 'broken');
    cpSync(healthy, broken, { recursive: true });
    rmSync(join(broken, 'listing.json'), { force: true }); // so `store ls` must read this store's LMDB file
    const fd = openSync(join(broken, 'features.mdb'), 'r+');
    writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, 0); // both meta pages: garbage (lmdb-js segfaulted on it)
    closeSync(fd);
  });

  it('store ls lists the healthy store, names the damaged one with its fix, and exits 0', async () => {
    const plain = await cli('store', 'ls');
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain(healthy.split('/').pop()!);
    expect(plain.stderr).toMatch(
      /store .*broken is damaged \(its features\.mdb is not an LMDB file\); remove it with `layerlab store gc broken --all`/,
    );
    const json = await cli('store', 'ls', '--json');
    expect(json.code, json.stderr).toBe(0);
    const listing = storeListSchema.parse(JSON.parse(json.stdout));
    expect(listing.stores.map((s) => s.store)).toEqual([healthy]);
    expect(listing.unreadable?.map((u) => u.id)).toEqual(['broken']);
  });

  it('store info and store gc STORE refuse it in one line (65); gc over every store goes on', async () => {
    const info = await cli('store', 'info', 'broken');
    expect(info.code).toBe(65);
    expect(info.stderr.trim().split('\n')).toHaveLength(1);
    expect((await cli('store', 'gc', 'broken')).code).toBe(65);
    const all = await cli('store', 'gc');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toMatch(/broken is damaged/);
  });

  it('store gc STORE --all removes it', async () => {
    const removed = await cli('store', 'gc', 'broken', '--all');
    expect(removed.code, removed.stderr).toBe(0);
    expect(existsSync(join(home, 'stores', 'broken'))).toBe(false);
    const ls = storeListSchema.parse(JSON.parse((await cli('store', 'ls', '--json')).stdout));
    expect(ls.unreadable).toBeUndefined();
    expect(ls.stores).toHaveLength(1);
  });
});
