import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLayerlabError } from '../../src/core/errors.js';
import { expandSearch } from '../../src/train/search/search.js';
import { parseHeadSpace, readHeadSpaceFile } from '../../src/train/search/search-space.js';

const sets = [
  { key: 'a', layer: 'block1' },
  { key: 'b', layer: 'block2' },
];
const configError = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isLayerlabError(error) ? `${error.code}: ${error.message}` : String(error);
  }
  return 'no error';
};

describe('head search spaces', () => {
  it('reads YAML and JSON files, bare or under `heads:`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-space-'));
    writeFileSync(join(dir, 'a.yaml'), 'lr: [0.1, 0.01]\nhidden: "64x32"\ntype: mlp\n');
    writeFileSync(
      join(dir, 'b.json'),
      JSON.stringify({ heads: { lr: { log_uniform_values: [1e-4, 1e-1] } } }),
    );
    expect(readHeadSpaceFile(join(dir, 'a.yaml'))).toEqual({ lr: [0.1, 0.01], hidden: '64x32', type: 'mlp' });
    expect(readHeadSpaceFile(join(dir, 'b.json'))).toEqual({ lr: { log_uniform_values: [1e-4, 1e-1] } });
    expect(configError(() => parseHeadSpace({ learning_rate: 1 }))).toMatch(/^CONFIG: .*learning_rate/);
    expect(configError(() => readHeadSpaceFile(join(dir, 'none.yaml')))).toMatch(/^NOT_FOUND/);
  });

  it('expands a grid layer-major, the last parameter fastest, resolving and de-duplicating heads', () => {
    const space = parseHeadSpace({
      type: ['linear', 'mlp'],
      hidden: [16, 32],
      lr: [0.1, 0.01],
      dropout: 0.2,
    });
    const models = expandSearch(space, sets, { mode: 'grid', seed: 1 });
    // linear ignores hidden and dropout: its two hidden values collapse into one head per lr
    expect(models).toHaveLength(2 * (2 + 4));
    expect(
      models.slice(0, 6).map((m) => [m.layer, m.head.type, m.head.hidden, m.head.lr, m.head.dropout]),
    ).toEqual([
      ['block1', 'linear', [], 0.1, 0],
      ['block1', 'linear', [], 0.01, 0],
      ['block1', 'mlp', [16], 0.1, 0.2],
      ['block1', 'mlp', [16], 0.01, 0.2],
      ['block1', 'mlp', [32], 0.1, 0.2],
      ['block1', 'mlp', [32], 0.01, 0.2],
    ]);
    expect(models[6]!.layer).toBe('block2');
    expect(
      expandSearch(parseHeadSpace({ type: 'mlp', hidden: [[64, 32]] }), sets, { mode: 'grid', seed: 1 })[0]!
        .head.hidden,
    ).toEqual([64, 32]);
    expect(
      configError(() =>
        expandSearch(parseHeadSpace({ lr: { uniform: [0, 1] } }), sets, { mode: 'grid', seed: 1 }),
      ),
    ).toMatch(/random search/);
    expect(
      configError(() => expandSearch(parseHeadSpace({ momentum: 1.5 }), sets, { mode: 'grid', seed: 1 })),
    ).toMatch(/momentum must be in \[0, 1\)/);
    expect(
      configError(() =>
        expandSearch(parseHeadSpace({ type: 'mlp', hidden: '8x8x8' }), sets, { mode: 'grid', seed: 1 }),
      ),
    ).toMatch(/one or two/);
  });

  it('samples at random from independent seeded streams, layer included', () => {
    const space = parseHeadSpace({
      lr: { log_uniform_values: [1e-4, 1e-1] },
      l2: { uniform: [0, 0.01] },
      batchSize: { int_uniform: [16, 64] },
      optimizer: { choice: ['sgd', 'adam'] },
      type: 'mlp',
      hidden: { int_uniform: [8, 12] },
    });
    const models = expandSearch(space, sets, { mode: 'random', samples: 50, seed: 7 });
    expect(models).toHaveLength(50);
    expect(expandSearch(space, sets, { mode: 'random', samples: 50, seed: 7 })).toEqual(models);
    expect(new Set(models.map((m) => m.layer))).toEqual(new Set(['block1', 'block2']));
    for (const { head } of models) {
      expect(head.lr).toBeGreaterThanOrEqual(1e-4);
      expect(head.lr).toBeLessThanOrEqual(1e-1);
      expect(head.l2).toBeLessThan(0.01);
      expect(Number.isInteger(head.batchSize) && head.batchSize >= 16 && head.batchSize <= 64).toBe(true);
      expect(head.hidden[0]).toBeGreaterThanOrEqual(8);
      expect(head.hidden[0]).toBeLessThanOrEqual(12);
    }
    // log-uniform: about as many draws per decade
    const decades = [0, 0, 0];
    for (const { head } of models) decades[Math.min(2, Math.floor(Math.log10(head.lr) + 4))]!++;
    expect(Math.min(...decades)).toBeGreaterThan(8);
    // adding a parameter leaves the other parameters' draws unchanged
    const more = expandSearch(parseHeadSpace({ ...space, dropout: { uniform: [0, 0.5] } }), sets, {
      mode: 'random',
      samples: 50,
      seed: 7,
    });
    expect(more.map((m) => [m.layer, m.head.lr, m.head.batchSize])).toEqual(
      models.map((m) => [m.layer, m.head.lr, m.head.batchSize]),
    );
  });
});
