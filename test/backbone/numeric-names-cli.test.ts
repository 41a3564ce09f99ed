import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNdjson, runCli } from '../e2e/cli-run.js';
import { numericNamesCnn } from '../fixtures/numeric-names-cnn.js';

interface LayersDocument {
  points: { name: string; block: string }[];
}

describe('numeric tensor names and block names through the real CLI', () => {
  const home = mkdtempSync(join(tmpdir(), 'layerlab-numeric-'));
  const model = join(home, 'torch-export.onnx');
  writeFileSync(model, numericNamesCnn());

  it('lists the numbered tensors under their blocks, and a number that names one selects it', async () => {
    const listed = await runCli(['--home', home, '--json', 'layers', model]);
    expect(listed.code, listed.stderr).toBe(0);
    const doc = JSON.parse(listed.stdout) as LayersDocument;
    expect(doc.points.map((p) => [p.name, p.block])).toEqual([
      ['2', 'layer1.0'],
      ['5', 'layer2.0'],
      ['7', 'fc'],
    ]);
    const five = await runCli(['--home', home, 'layers', model, '--layers', '5']);
    expect(five.code, five.stderr).toBe(0);
    expect(five.stdout.split('\n')[1]).toMatch(/^5\s+GlobalAveragePool\s+layer2\.0\s/);
    expect(five.stderr).toBe(
      'layerlab: --layers 5: took the capture point named 5 (the model has no block index 5)\n',
    );
  });

  it('extracts a numbered tensor and a block by its name', async () => {
    const run = await runCli([
      '--home',
      home,
      '--json',
      'extract',
      model,
      'builtin:shapes',
      '--layers',
      '2,layer2.0',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const events = parseNdjson(run.stdout);
    expect(events).toContainEqual({
      type: 'log',
      level: 'warn',
      message:
        '--layers 2: took the capture point named 2, not block index 2 (7); select that one by its name',
    });
    const result = events.at(-1) as { type: string; featureSets: { layer: string; dims: number }[] };
    expect(result.type).toBe('result');
    expect(result.featureSets.map((f) => [f.layer, f.dims])).toEqual([
      ['2', 4],
      ['5', 6],
    ]);
  });
});
