import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNdjson, runCli } from '../e2e/cli-run.js';
import { qoperatorCnn } from '../fixtures/qoperator-cnn.js';

describe('a QOperator int8 model through the real CLI', () => {
  const home = mkdtempSync(join(tmpdir(), 'layerlab-qoperator-cli-'));
  const model = join(home, 'cnn-int8.onnx');
  writeFileSync(model, qoperatorCnn());

  it('lists its quantized block outputs and extracts them as floats', async () => {
    const listed = await runCli(['--home', home, '--json', 'layers', model]);
    expect(listed.code, listed.stderr).toBe(0);
    const doc = JSON.parse(listed.stdout) as { points: { name: string; op: string; block: string }[] };
    expect(doc.points.map((p) => `${p.block}:${p.name}:${p.op}`)).toEqual([
      'block1:block1/conv:QLinearConv',
      'block2:block2/add:QLinearAdd',
      'head:head/logits:DequantizeLinear',
    ]);
    const run = await runCli([
      '--home',
      home,
      '--json',
      'extract',
      model,
      'builtin:shapes',
      '--layers',
      'block2,head/pool,head/logits',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = parseNdjson(run.stdout).at(-1) as {
      type: string;
      featureSets: { layer: string; dims: number; records: number }[];
    };
    expect(result.type).toBe('result');
    expect(result.featureSets.map((f) => [f.layer, f.dims])).toEqual([
      ['block2/add', 4],
      ['head/pool', 4],
      ['head/logits', 3],
    ]);
    expect(result.featureSets[0]!.records).toBeGreaterThan(100);
  });
});
