import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomIdx, tempDir, writeIdxPair } from '../data/write-datasets.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { runCli } from './cli-run.js';

/**
 * layerlab leaves nothing in the temporary folder: ONNX Runtime's telemetry client wrote an empty
 * `mat-debug-<pid>.log` and a `.ses` there on every run (src/backbone/ort-runtime.ts). Each child gets
 * a private, empty TMPDIR, and neither the test's own ORT_DISABLE_TELEMETRY (vitest.config.ts) nor CI
 * (which also keeps the telemetry off) is passed on.
 */
describe('the temporary folder after a CLI run', () => {
  let root: string;
  let model: string;
  let data: string;
  beforeAll(() => {
    root = tempDir('layerlab-litter-');
    model = join(root, 'tiny.onnx');
    writeFileSync(model, tinyCnn());
    data = join(root, 'idx');
    writeIdxPair(data, 'train', randomIdx(40, 3, 2));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Runs the CLI with a private TMPDIR; returns what it left there. */
  const leftBehind = async (name: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const tmp = join(root, `tmp-${name}`);
    mkdirSync(tmp);
    expect(readdirSync(tmp)).toEqual([]);
    const run = await runCli(['--home', join(root, 'home'), ...args], {
      TMPDIR: tmp,
      ORT_DISABLE_TELEMETRY: undefined,
      // ORT's telemetry stays off when CI is set, as runCli sets it: run as a user's shell does
      CI: undefined,
      ...env,
    });
    expect(run.code, run.stderr).toBe(0);
    return readdirSync(tmp);
  };

  it('extract, then train (worker threads) leave it empty', async () => {
    const store = join(root, 'store');
    expect(await leftBehind('extract', ['extract', model, data, '--store', store])).toEqual([]);
    expect(await leftBehind('train', ['train', '--store', store, '--epochs', '1', '--workers', '2'])).toEqual(
      [],
    );
  });

  it('a user who turns ONNX Runtime telemetry back on gets its files (so the check above can fail)', async () => {
    const files = await leftBehind(
      'telemetry-on',
      ['extract', model, data, '--store', join(root, 'store-on')],
      { ORT_DISABLE_TELEMETRY: '0' },
    );
    expect(files.some((f) => /^mat-debug-\d+\.log$/.test(f))).toBe(true);
  });
});
