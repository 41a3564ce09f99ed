import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomIdx, tempDir, writeIdxPair } from '../data/write-datasets.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { runCli } from './cli-run.js';

/**
 * `store ls` reads each store's listing file instead of its LMDB file (start-up time, issue 12): the
 * output must be the same with it, without it (a store written by an older layerlab), and after the
 * store changed behind a listing.
 */
describe('store ls and the store listing', () => {
  let home: string;
  let store: string;
  const cli = (...args: string[]) => runCli(['--home', home, ...args]);
  const listing = () => join(store, 'listing.json');
  const ls = async () => {
    const [text, json] = [await cli('store', 'ls'), await cli('store', 'ls', '--json')];
    expect(text.code, text.stderr).toBe(0);
    expect(json.code, json.stderr).toBe(0);
    return { text: text.stdout, json: json.stdout };
  };

  beforeAll(async () => {
    const dir = tempDir('layerlab-store-listing-');
    const model = join(dir, 'tiny.onnx');
    writeFileSync(model, tinyCnn());
    const data = join(dir, 'data');
    writeIdxPair(data, 'train', randomIdx(30, 5));
    home = join(dir, 'home');
    const run = await runCli(['--home', home, 'extract', model, data, '--layers', 'block2/relu,head/logits']);
    expect(run.code, run.stderr).toBe(0);
    store = join(home, 'stores', readdirSync(join(home, 'stores'))[0]!);
  });

  it('prints the same with the listing and without it (a store from an older layerlab)', async () => {
    expect(existsSync(listing())).toBe(true);
    const withListing = await ls();
    expect(withListing.text).toMatch(/block2\/relu\s+6\s+float32/);
    const saved = readFileSync(listing());
    rmSync(listing());
    expect(await ls()).toEqual(withListing);
    writeFileSync(listing(), saved);
    expect(await ls()).toEqual(withListing);
  });

  it('never prints a listing older than the store', async () => {
    const before = await ls();
    const saved = readFileSync(listing());
    const gc = await cli('store', 'gc', store.split('/').pop()!, '--layer', 'head/logits');
    expect(gc.code, gc.stderr).toBe(0);
    const after = await ls();
    expect(after.text).not.toMatch(/head\/logits/);
    expect(after).not.toEqual(before);
    // the old listing put back, the LMDB file written after it (as a crashed writer would leave it)
    writeFileSync(listing(), saved);
    const mdb = join(store, 'features.mdb');
    const later = new Date(statSync(mdb).mtimeMs + 2000);
    utimesSync(mdb, later, later);
    expect(await ls()).toEqual(after);
  });
});
