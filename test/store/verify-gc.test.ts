import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { FeatureStore } from '../../src/store/feature-store.js';
import { refuseNetworkFilesystem } from '../../src/store/filesystem-check.js';
import { collectGarbage, removeStore } from '../../src/store/gc-store.js';
import { liveReaders } from '../../src/store/reader-lease.js';
import { listStoreDirs, resolveStoreRef, summarizeStore } from '../../src/store/store-catalog.js';
import { verifyStore } from '../../src/store/verify-store.js';
import { tempDir } from '../data/write-datasets.js';
import { extractedStore } from './store-fixture.js';

const sleepers: ChildProcess[] = [];
const sleeper = () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  sleepers.push(child);
  return child.pid!;
};
afterEach(() => {
  for (const child of sleepers.splice(0)) child.kill('SIGKILL');
});

describe('verify', () => {
  it('passes an intact store and finds a batch whose bytes no longer match their hash', async () => {
    const { storeDir } = await extractedStore();
    const ok = verifyStore(storeDir);
    expect(ok.ok).toBe(true);
    expect(ok.featureSets.map((s) => s.layer)).toEqual([
      'block1/relu',
      'block2/relu',
      'head/pool',
      'head/flat',
      'head/logits',
    ]);
    const key = ok.featureSets[1]!.key;
    // Flip one byte of batch 2 behind the store's back.
    const env = open({ path: join(storeDir, 'features.mdb'), maxDbs: 4, compression: false });
    const data = env.openDB<Uint8Array, string>({ name: 'data', encoding: 'binary' });
    const batchKey = `b/00000002/${key}/v`;
    const bytes = new Uint8Array(data.getBinary(batchKey)!);
    bytes[20] = bytes[20]! ^ 0xff;
    await data.put(batchKey, bytes);
    await env.close();
    const bad = verifyStore(storeDir);
    expect(bad.ok).toBe(false);
    expect(bad.featureSets[1]!.bad).toEqual([2]);
    expect(bad.problems[0]).toMatch(/block2\/relu: 1 batches fail their hash \(first: 2\)/);
  });
});

describe('catalog and gc', () => {
  it('lists stores with sizes and resolves ids and prefixes', async () => {
    const root = tempDir('layerlab-stores-');
    const { storeDir } = await extractedStore();
    const { renameSync } = await import('node:fs');
    const moved = join(root, 'tiny--data--abc123');
    renameSync(storeDir, moved);
    expect(listStoreDirs(root)).toEqual([moved]);
    expect(resolveStoreRef('tiny--data--abc123', root)).toBe(moved);
    expect(resolveStoreRef('tiny--', root)).toBe(moved);
    expect(resolveStoreRef(moved, root)).toBe(moved);
    expect(() => resolveStoreRef('nothing', root)).toThrow(
      expect.objectContaining({ exitCode: 66 }) as Error,
    );
    const summary = summarizeStore(moved);
    expect(summary.records).toBe(30);
    expect(summary.featureSets.find((s) => s.layer === 'block2/relu')).toMatchObject({
      bytes: 4 * 16 + 30 * 6 * 4,
      complete: true,
    });
  });

  it('removes incomplete and temporary sets, named sets, and gives space back on compaction', async () => {
    const { storeDir } = await extractedStore(400);
    const store = FeatureStore.open(storeDir, { write: true });
    const base = store.featureSets()[0]!;
    store.beginFeatureSet({ ...base, key: 'abandoned', layer: 'abandoned', complete: false });
    store.beginFeatureSet({ ...base, key: 'boundary', layer: 'x@none', complete: true, temporary: true });
    store.close();
    const dry = await collectGarbage(storeDir, { dryRun: true });
    expect(dry.removed.sort()).toEqual(['abandoned', 'x@none']);
    expect(summarizeStore(storeDir).featureSets).toHaveLength(7);
    await collectGarbage(storeDir);
    expect(summarizeStore(storeDir).featureSets.map((s) => s.layer)).toEqual([
      'block1/relu',
      'block2/relu',
      'head/pool',
      'head/flat',
      'head/logits',
    ]);
    const before = statSync(join(storeDir, 'features.mdb')).size;
    const report = await collectGarbage(storeDir, {
      layers: ['block1/relu', 'block2/relu', 'head/pool'],
      compact: true,
    });
    expect(report.removed).toEqual(['block1/relu', 'block2/relu', 'head/pool']);
    expect(statSync(join(storeDir, 'features.mdb')).size).toBeLessThan(before);
    expect(report.reclaimedBytes).toBeGreaterThan(0);
    expect(verifyStore(storeDir).ok).toBe(true);
    expect(summarizeStore(storeDir).featureSets.map((s) => s.layer)).toEqual(['head/flat', 'head/logits']);
  });

  it('refuses while another process reads or writes the store, naming it', async () => {
    const { storeDir } = await extractedStore(10, ['head/logits']);
    const reader = sleeper();
    mkdirSync(join(storeDir, 'readers'), { recursive: true });
    writeFileSync(
      join(storeDir, 'readers', `${reader}-aa.lease`),
      JSON.stringify({ pid: reader, host: hostname(), command: 'layerlab train', since: 'now' }),
    );
    expect(liveReaders(storeDir)).toEqual([`pid ${reader} on ${hostname()} (layerlab train)`]);
    await expect(collectGarbage(storeDir)).rejects.toMatchObject({
      exitCode: 73,
      message: expect.stringMatching(/read by pid/) as unknown as string,
    });
    expect(() => removeStore(storeDir)).toThrow(/in use/);
    // A lease whose process died is ignored (and cleaned up).
    writeFileSync(
      join(storeDir, 'readers', `${reader}-aa.lease`),
      JSON.stringify({ pid: 2 ** 22 + 4321, host: hostname(), command: 'gone', since: 'then' }),
    );
    expect(liveReaders(storeDir)).toEqual([]);
    const writer = sleeper();
    writeFileSync(
      join(storeDir, 'writer.lock'),
      JSON.stringify({ pid: writer, host: hostname(), command: 'layerlab extract', since: 'now' }),
    );
    await expect(collectGarbage(storeDir)).rejects.toMatchObject({
      exitCode: 73,
      message: expect.stringMatching(/written by pid/) as unknown as string,
    });
    writeFileSync(
      join(storeDir, 'writer.lock'),
      JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), command: 'gone', since: 'then' }),
    );
    removeStore(storeDir);
    expect(existsSync(storeDir)).toBe(false);
  });

  it('takes a reader lease while open and releases it on close', async () => {
    const { storeDir } = await extractedStore(10, ['head/logits']);
    const store = FeatureStore.open(storeDir, { write: false });
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(storeDir, 'readers'))).toHaveLength(1);
    store.close();
    expect(readdirSync(join(storeDir, 'readers'))).toHaveLength(0);
  });
});

describe('network filesystems', () => {
  it('are refused with the fix named; local ones pass', () => {
    const dir = tempDir();
    expect(() => refuseNetworkFilesystem(join(dir, 'not', 'yet'), () => ({ type: 0x6969 }))).toThrow(
      expect.objectContaining({
        exitCode: 73,
        message: expect.stringMatching(/network filesystem \(nfs\).*--home or --store/) as unknown as string,
      }) as Error,
    );
    expect(() => refuseNetworkFilesystem(dir, () => ({ type: 0xff534d42 }))).toThrow(/cifs/);
    expect(() => refuseNetworkFilesystem(dir, () => ({ type: 0xef53 }))).not.toThrow();
    expect(() => refuseNetworkFilesystem(dir)).not.toThrow();
  });
});
