import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeImages } from '../data/write-datasets.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { runCli } from './cli-run.js';

/*
 * `extract` opens the dataset while the model loads (start-up time): which error is reported must
 * not depend on which of the two finishes first. The model's comes first, as when they ran in turn.
 */
describe('extract opens model and data together', () => {
  it('reports a bad model even when the data is missing too', async () => {
    const dir = tempDir('layerlab-open-order-');
    const model = join(dir, 'broken.onnx');
    writeFileSync(model, 'not a model');
    const run = await runCli(['--home', join(dir, 'home'), '--json', 'extract', model, join(dir, 'nothing')]);
    expect(run.code).toBe(65);
    expect(JSON.parse(run.stderr.trim().split('\n').at(-1)!)).toMatchObject({ code: 'BAD_MODEL' });
    expect(run.stderr).toMatch(/not a valid ONNX model/);
  });

  it('reports a bad model, not the readable data opened meanwhile, and writes no store', async () => {
    const dir = tempDir('layerlab-open-order-');
    const model = join(dir, 'broken.onnx');
    writeFileSync(model, 'not a model');
    const data = join(dir, 'data');
    await writeImages(data, { 'cat/a.png': 1, 'dog/b.png': 2 });
    const home = join(dir, 'home');
    const run = await runCli(['--home', home, '--json', 'extract', model, data]);
    expect(run.code).toBe(65);
    expect(run.stderr).toMatch(/not a valid ONNX model/);
    expect(existsSync(join(home, 'stores'))).toBe(false);
  });

  it('reports missing data when the model is good', async () => {
    const dir = tempDir('layerlab-open-order-');
    const model = join(dir, 'tiny.onnx');
    writeFileSync(model, tinyCnn());
    const run = await runCli(['--home', join(dir, 'home'), '--json', 'extract', model, join(dir, 'nothing')]);
    expect(run.code).toBe(66);
    expect(run.stderr).toMatch(/not found/);
  });
});
