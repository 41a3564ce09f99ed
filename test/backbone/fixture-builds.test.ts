import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tinyBertFiles } from '../../models/tiny-bert-build.js';
import { buildTinyTfjsGraph, buildTinyTfjsLayers } from '../../models/tiny-tfjs-build.js';
import { loadTfjs } from '../../src/backbone/tfjs-runtime.js';
import { packageRoot } from '../../src/core/paths.js';

const models = join(packageRoot(), 'models');
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('checked-in fixture models are what their scripts build', () => {
  it('models/tiny-bert/ equals models/build-tiny-bert.ts output, byte for byte', () => {
    for (const [path, bytes] of tinyBertFiles()) {
      expect(same(bytes, readFileSync(join(models, 'tiny-bert', path))), path).toBe(true);
    }
  });

  it('models/tiny-tfjs*/ equal models/build-tiny-tfjs.ts output, byte for byte', async () => {
    const { tf } = await loadTfjs();
    const out = mkdtempSync(join(tmpdir(), 'layerlab-tfjs-build-'));
    await buildTinyTfjsLayers(tf, join(out, 'tiny-tfjs'));
    buildTinyTfjsGraph(join(out, 'tiny-tfjs-graph'));
    for (const folder of ['tiny-tfjs', 'tiny-tfjs-graph'])
      for (const file of ['model.json', 'weights.bin']) {
        const built = readFileSync(join(out, folder, file));
        expect(same(built, readFileSync(join(models, folder, file))), `${folder}/${file}`).toBe(true);
      }
  });
});
