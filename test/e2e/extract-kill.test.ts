import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { FeatureStore } from '../../src/store/feature-store.js';
import { randomIdx, tempDir, writeIdxPair } from '../data/write-datasets.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { cliBin as bin, runCli } from './cli-run.js';

const RECORDS = 240;
const BATCH = 8;
const LAYERS = 'block1/conv,block1/relu,block2/relu,head/pool,head/logits';

interface KillOutcome {
  /** records of work the killed run had reported done when it was killed */
  reported: number;
  /** the work it had left when it started */
  total: number;
  exitedByItself: boolean;
}

/**
 * Runs an extraction and kills it with SIGKILL once it reports the target amount of work done; the
 * target is chosen from the work the run has left (its first progress event). Progress is reported
 * as each batch is queued for commit, so the kill lands anywhere: inside a commit, between batches,
 * while reading ahead, while marking sets complete.
 */
function extractAndKill(args: string[], chooseTarget: (total: number) => number): Promise<KillOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1' },
    });
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let reported = 0;
    let killed = false;
    let target: number | undefined;
    let totalSeen = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const event = JSON.parse(line) as { type: string; records?: number; total?: number };
        if (event.type !== 'extract.progress' || killed) continue;
        if (target === undefined) {
          totalSeen = event.total!;
          target = chooseTarget(totalSeen);
        }
        reported = event.records!;
        if (reported >= target) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (!killed && code !== 0) reject(new Error(`extract exited ${code ?? signal}: ${stderr}`));
      else resolve({ reported, total: target === undefined ? 0 : totalSeen, exitedByItself: !killed });
    });
  });
}

/** What a reader sees: the store opens, and every stored batch is whole and matches its hash. */
function checkConsistent(storeDir: string): void {
  const store = FeatureStore.open(storeDir, { write: false });
  try {
    for (const set of store.featureSets()) {
      expect(store.verifyFeatureSet(set.key)).toEqual([]);
      for (let batch = 0; batch < set.batches; batch++) {
        const rows = store.batchRows(set.key, batch);
        if (rows === 0) continue;
        expect(rows).toBe(Math.min(BATCH, RECORDS - batch * BATCH)); // never a partial batch
        expect(store.readBatch(set.key, batch).length).toBe(rows * set.dims);
      }
    }
  } finally {
    store.close();
  }
}

function digests(storeDir: string): Record<string, string> {
  const store = FeatureStore.open(storeDir, { write: false });
  try {
    const sets = store.featureSets();
    expect(sets.every((s) => s.complete)).toBe(true);
    return Object.fromEntries(sets.map((s) => [s.layer, store.contentDigest(s.key)]));
  } finally {
    store.close();
  }
}

describe('kill -9 at random points of an extraction', () => {
  let model: string;
  let data: string;
  beforeAll(() => {
    const dir = tempDir('layerlab-kill-');
    model = join(dir, 'tiny.onnx');
    writeFileSync(model, tinyCnn());
    data = join(dir, 'data');
    writeIdxPair(data, 'train', randomIdx(RECORDS, 9), { gz: true });
  });

  /**
   * Kill points are drawn over the work that remains, not over time: each run is killed after a
   * random share of what it has left (the first of every sequence right at its start, before any
   * batch). Kills compound, so the points come in sequences on fresh stores (`kills` per store),
   * each sequence ending with a resume that must match the uninterrupted run byte for byte.
   */
  async function killTest(extra: string[], sequences: number, kills: number, seed: number) {
    const args = (store: string) => [
      'extract',
      model,
      data,
      '--store',
      store,
      '--batch-size',
      String(BATCH),
      '--layers',
      LAYERS,
      '--json',
      '--progress-ms',
      '0',
      ...extra,
    ];
    const reference = tempDir('layerlab-ref-');
    expect((await runCli(args(reference))).code).toBe(0);
    const expected = digests(reference);
    const rng = new Rng(seed);
    const shares: number[] = [];
    for (let sequence = 0; sequence < sequences; sequence++) {
      const store = tempDir('layerlab-killed-');
      for (let k = 0; k < kills; k++) {
        let share = 0;
        const outcome = await extractAndKill(args(store), (total) => {
          share = k === 0 ? 0 : rng.next() * 0.6;
          return Math.floor(share * total);
        });
        checkConsistent(store);
        if (outcome.exitedByItself) break; // the kill came after the last commit
        shares.push(share);
      }
      const resumed = await runCli(args(store));
      expect(resumed.code).toBe(0);
      expect(digests(store)).toEqual(expected);
      expect((await runCli(['store', 'verify', store, '--json'])).code).toBe(0);
    }
    console.info(
      `kill test ${extra.join(' ') || 'one-pass'}: ${shares.length} kills at ${shares.map((s) => s.toFixed(2)).join(', ')} of the remaining work; store consistent after each; every resume byte-identical`,
    );
    return shares;
  }

  it('leaves a consistent store at each of 24 kill points and resumes byte-identical (one pass)', async () => {
    const shares = await killTest([], 4, 6, 1);
    expect(shares.length).toBeGreaterThanOrEqual(20);
  });

  it('does the same for a staged extraction of raw features (6 kill points)', async () => {
    const shares = await killTest(['--pool', 'none'], 1, 6, 2);
    expect(shares.length).toBeGreaterThanOrEqual(5);
  });
});
