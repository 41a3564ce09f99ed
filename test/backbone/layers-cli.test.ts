import { describe, expect, it } from 'vitest';
import { runCli } from '../e2e/cli-run.js';

interface LayersDocument {
  model: string;
  points: Record<string, unknown>[];
}

describe('layerlab layers (real CLI)', () => {
  const documents = new Map<string, LayersDocument>();
  it('prints the JSON contract for every format: {model, points: [{name, op, block, shape, size, pooledSize}]}', async () => {
    for (const model of ['builtin:shapes-cnn', 'builtin:tiny-bert', 'builtin:tiny-tfjs']) {
      const run = await runCli(['--json', 'layers', model]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      const doc = JSON.parse(run.stdout) as LayersDocument;
      documents.set(model, doc);
      expect(doc.model).toBe(model);
      expect(doc.points.length).toBeGreaterThan(2);
      for (const point of doc.points) {
        expect(Object.keys(point)).toEqual(['name', 'op', 'block', 'shape', 'size', 'pooledSize']);
        expect((point.shape as unknown[])[0]).toBe('N');
      }
    }
  });

  it('lists one point per block by default, every float tensor with --all, a selection with --layers', async () => {
    const blocks = JSON.parse(
      (await runCli(['--json', 'layers', 'builtin:tiny-bert'])).stdout,
    ) as LayersDocument;
    const all = JSON.parse(
      (await runCli(['--json', 'layers', 'builtin:tiny-bert', '--all'])).stdout,
    ) as LayersDocument;
    expect(blocks.points.map((p) => p.block)).toEqual([
      'embeddings',
      'encoder.layer.0',
      'encoder.layer.1',
      'encoder.layer.2',
    ]);
    expect(blocks.points[1]).toMatchObject({ shape: ['N', 'T', 32], size: 1024, pooledSize: 32 });
    expect(all.points.length).toBeGreaterThan(50);
    const table = await runCli(['layers', 'builtin:tiny-bert', '--layers', 'last:2']);
    expect(table.stdout.split('\n')[0]).toMatch(/^name\s+op\s+block\s+shape\s+size\s+pooled$/);
    expect(table.stdout).toContain('encoder.layer.1');
    expect(table.stdout).not.toContain('encoder.layer.0');
  });

  it('fails with 65 and the nearest names for an unknown layer', async () => {
    const run = await runCli(['layers', 'builtin:shapes-cnn', '--layers', 'block2/rlu']);
    expect(run.code).toBe(65);
    expect(run.stderr.trim()).toBe(
      'layerlab: unknown layer block2/rlu; nearest capture points: block2/relu, block1/relu, block3/relu',
    );
  });
});
