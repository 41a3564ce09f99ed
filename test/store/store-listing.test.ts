import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeatureStore } from '../../src/store/feature-store.js';
import { summarizeStore } from '../../src/store/store-catalog.js';
import { LISTING_FILE, readStoreListing } from '../../src/store/store-listing.js';
import { extractedStore } from './store-fixture.js';

/**
 * The listing beside a store's LMDB file (what `store ls` reads without loading LMDB) must say what
 * LMDB says, and must never be used once the LMDB file has changed after it.
 */
describe('store listing', () => {
  it('is written when a writer closes and reads as the LMDB summary', async () => {
    const { storeDir } = await extractedStore(20, ['block2/relu', 'head/logits']);
    expect(existsSync(join(storeDir, LISTING_FILE))).toBe(true);
    const fromLmdb = summarizeStore(storeDir);
    expect(fromLmdb.featureSets.map((s) => s.layer)).toEqual(['block2/relu', 'head/logits']);
    expect(readStoreListing(storeDir)).toEqual(fromLmdb);
    // byte-identical as JSON too: key order is what `store ls --json` prints
    expect(JSON.stringify(readStoreListing(storeDir))).toBe(JSON.stringify(fromLmdb));
  });

  it('is removed while a writer holds the store and rewritten with its changes', async () => {
    const { storeDir } = await extractedStore(20, ['block2/relu', 'head/logits']);
    const writer = FeatureStore.open(storeDir, { write: true });
    expect(readStoreListing(storeDir)).toBeUndefined();
    const logits = writer.featureSets().find((s) => s.layer === 'head/logits')!;
    writer.deleteFeatureSet(logits.key);
    writer.close();
    const listed = readStoreListing(storeDir);
    expect(listed?.featureSets.map((s) => s.layer)).toEqual(['block2/relu']);
    expect(listed).toEqual(summarizeStore(storeDir));
  });

  it('is not used once the LMDB file is newer, damaged, or missing', async () => {
    const { storeDir } = await extractedStore(20, ['head/logits']);
    const listing = join(storeDir, LISTING_FILE);
    const saved = readFileSync(listing, 'utf8');
    expect(readStoreListing(storeDir)).toBeDefined();

    // a write the listing does not know of (a crashed writer, an older layerlab): the file's time moves
    const mdb = join(storeDir, 'features.mdb');
    const later = new Date(statSync(mdb).mtimeMs + 2000);
    utimesSync(mdb, later, later);
    expect(readStoreListing(storeDir)).toBeUndefined();

    // a compaction rewrites the file and lists the new one
    await FeatureStore.compact(storeDir);
    expect(readStoreListing(storeDir)).toEqual(summarizeStore(storeDir));

    writeFileSync(listing, saved.slice(0, 40));
    expect(readStoreListing(storeDir)).toBeUndefined();
    writeFileSync(listing, saved.replace('"listingVersion":1', '"listingVersion":99'));
    expect(readStoreListing(storeDir)).toBeUndefined();
  });
});
