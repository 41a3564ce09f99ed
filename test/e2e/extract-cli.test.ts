import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractStartEventSchema } from '../../src/core/contract/events.js';
import { extractResultSchema } from '../../src/core/contract/results.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { randomIdx, tempDir, writeIdxPair, writeImages } from '../data/write-datasets.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { cliBin as bin, parseNdjson, runCli } from './cli-run.js';

describe('layerlab extract', () => {
  let model: string;
  let data: string;
  let home: string;
  beforeAll(() => {
    const dir = tempDir('layerlab-cli-');
    model = join(dir, 'tiny.onnx');
    writeFileSync(model, tinyCnn());
    data = join(dir, 'data');
    writeIdxPair(data, 'train', randomIdx(60, 3), { gz: true });
    writeIdxPair(data, 't10k', randomIdx(20, 4), { gz: true });
    home = join(dir, 'home');
  });

  it('prints NDJSON events and a result line; a second run is cached', async () => {
    const first = await runCli([
      '--home',
      home,
      'extract',
      model,
      data,
      '--layers',
      'block1/relu,block2/relu',
      '--json',
    ]);
    expect(first.code).toBe(0);
    const lines = parseNdjson(first.stdout);
    expect(lines.every((l) => typeof l.type === 'string')).toBe(true);
    expect(lines[0]).toMatchObject({ type: 'extract.start', records: 80 });
    expect(lines.some((l) => l.type === 'extract.progress')).toBe(true);
    const result = lines.at(-1)!;
    expect(result).toMatchObject({
      type: 'result',
      cached: false,
      featureSets: [
        { layer: 'block1/relu', dims: 4, records: 80 },
        { layer: 'block2/relu', dims: 6, records: 80 },
      ],
      plan: { mode: 'one-pass' },
    });
    expect(String(result.store)).toContain(join(home, 'stores'));
    const again = await runCli([
      '--home',
      home,
      'extract',
      model,
      data,
      '--layers',
      'block1/relu,block2/relu',
      '--json',
    ]);
    expect(parseNdjson(again.stdout).at(-1)).toMatchObject({
      type: 'result',
      cached: true,
      store: result.store,
    });
  });

  it('says it appended the new records of a grown dataset, in plain text and in --json', async () => {
    const dir = tempDir('layerlab-grow-');
    const all = randomIdx(63, 7);
    const rows = (n: number) => ({
      images: all.images.subarray(0, n * 64),
      labels: all.labels.subarray(0, n),
    });
    writeIdxPair(dir, 'train', rows(43), { gz: true });
    const store = join(dir, 'store');
    const args = ['extract', model, dir, '--layers', 'block1/relu,block2/relu,head/logits', '--store', store];
    expect((await runCli(args)).code).toBe(0);

    writeIdxPair(dir, 'train', rows(53), { gz: true });
    const plain = await runCli(args);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(
      /^appended 10 records to 3 feature sets \(one-pass, batch \d+\) in [\d.]+ s$/m,
    );
    expect(plain.stdout).toMatch(/^block2\/relu +6 +53 +appended 10$/m);
    expect(plain.stdout).not.toMatch(/computed/);

    writeIdxPair(dir, 'train', rows(63), { gz: true });
    const json = await runCli([...args, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const lines = parseNdjson(json.stdout);
    expect(extractStartEventSchema.parse(lines.find((l) => l.type === 'extract.start'))).toMatchObject({
      reused: [],
      appended: ['block1/relu', 'block2/relu', 'head/logits'],
      appendedRecords: 10,
    });
    const result = extractResultSchema.parse(lines.at(-1));
    expect(result).toMatchObject({ cached: false, appended: { records: 10, featureSets: 3 } });
    expect(result.featureSets.map((s) => [s.status, s.computedRecords, s.records])).toEqual([
      ['appended', 10, 63],
      ['appended', 10, 63],
      ['appended', 10, 63],
    ]);
  });

  it('plans without extracting, in plain text and as one JSON document', async () => {
    const store = join(tempDir(), 'planned');
    const plain = await runCli(['extract', model, data, '--store', store, '--plan', '--pool', 'none']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/plan: staged — raw features requested/);
    expect(plain.stdout).toMatch(/forecast: peak RAM \d+/);
    const json = await runCli(['extract', model, data, '--store', store, '--plan', '--json']);
    const lines = parseNdjson(json.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      type: 'result',
      dryRun: true,
      plan: { mode: 'one-pass', forecast: { seconds: expect.any(Number) as number } },
    });
    expect(existsSync(store)).toBe(false);
  });

  it('fails with exit 78 and the memory needed when nothing fits', async () => {
    const store = join(tempDir(), 's');
    const run = await runCli(['extract', model, data, '--store', store, '--memory', '20M']);
    expect(run.code).toBe(78);
    expect(existsSync(store)).toBe(false); // nothing half-written
    expect(run.stderr).toMatch(/does not fit in 20 MiB .*needs \d+ MiB.*raise --memory/);
  });

  it('exits 73 naming the holder when another writer has the store; readers do not block', async () => {
    const store = join(tempDir(), 'locked');
    mkdirSync(store, { recursive: true });
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(
        join(store, 'writer.lock'),
        JSON.stringify({
          pid: holder.pid,
          host: hostname(),
          command: 'layerlab extract other',
          since: 'now',
        }),
      );
      const run = await runCli(['extract', model, data, '--store', store, '--json']);
      expect(run.code).toBe(73);
      expect(JSON.parse(run.stderr.trim())).toMatchObject({
        type: 'error',
        code: 'STORE_LOCKED',
        exitCode: 73,
      });
      expect(run.stderr).toContain(`pid ${holder.pid}`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('maps bad input to the exit-code table', async () => {
    expect((await runCli(['extract', model, join(tempDir(), 'missing')])).code).toBe(66);
    expect((await runCli(['extract', model, data, '--batch-size', 'x'])).code).toBe(2);
    expect((await runCli(['extract', model, data, '--pool', 'avg'])).code).toBe(2);
    const images = tempDir();
    await writeImages(images, { 'a/1.png': 1, 'b/1.png': 2, 'b/2.png': 'broken' });
    const strict = await runCli(['extract', model, images, '--store', join(tempDir(), 's'), '--strict']);
    expect(strict.code).toBe(65);
    expect(strict.stderr).toMatch(/b\/2.png could not be decoded/);
    const lenient = await runCli(['extract', model, images, '--store', join(tempDir(), 's'), '--json']);
    expect(parseNdjson(lenient.stdout).at(-1)).toMatchObject({
      skipped: [expect.objectContaining({ id: 'b/2.png' })],
    });
  });

  // SIGHUP: the terminal that ran it closed
  it.each(['SIGINT', 'SIGHUP'] as const)(
    'stops cleanly between batches on %s (exit 130) and resumes to completion',
    async (signal) => {
      const big = join(tempDir(), 'big');
      writeIdxPair(big, 'train', randomIdx(4000, 5), { gz: true });
      const store = join(tempDir(), 'interrupted');
      const args = [
        bin,
        'extract',
        model,
        big,
        '--store',
        store,
        '--batch-size',
        '8',
        '--json',
        '--progress-ms',
        '0',
      ];
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, args, {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, CI: '1' },
        });
        let sent = false;
        child.stdout.on('data', (chunk: Buffer) => {
          if (!sent && chunk.toString().includes('"records":80')) {
            sent = true;
            child.kill(signal);
          }
        });
        child.on('close', resolve);
      });
      expect(code).toBe(130);
      const partial = FeatureStore.open(store, { write: false });
      const sets = partial.featureSets();
      expect(sets.every((s) => !s.complete)).toBe(true);
      expect(partial.storedBatches(sets[0]!.key)).toBeGreaterThan(0);
      expect(partial.storedBatches(sets[0]!.key)).toBeLessThan(500);
      expect(sets.every((s) => partial.verifyFeatureSet(s.key).length === 0)).toBe(true);
      partial.close();
      const resumed = await runCli(['extract', model, big, '--store', store, '--batch-size', '8', '--json']);
      expect(resumed.code).toBe(0);
      const last = parseNdjson(resumed.stdout).at(-1)!;
      expect(last, JSON.stringify(last).slice(0, 400)).toMatchObject({ cached: false });
      expect((last.featureSets as { records: number }[]).every((s) => s.records === 4000)).toBe(true);
    },
  );

  it('has help with examples', async () => {
    const help = await runCli(['extract', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n {2}layerlab extract/);
    expect(help.stdout).toMatch(/--memory <size>/);
  });
});
