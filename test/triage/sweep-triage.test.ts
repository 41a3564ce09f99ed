import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkJsonLines, sweepResultSchema } from '../../src/core/contract/index.js';
import { runCli } from '../e2e/cli-run.js';

describe('a sweep file with triage: {keep: K} (real CLI)', () => {
  it('extracts every swept layer and view, trains the K best-scored, lists the rest as triaged out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-sweep-triage-'));
    const file = join(dir, 'sweep.yaml');
    writeFileSync(
      file,
      [
        'model: builtin:shapes-cnn',
        'data: builtin:shapes',
        'layers: [block1/pool, block2/pool, block3/pool, logits]',
        'views: [concat(last:2)]',
        'heads:',
        '  type: [linear, ridge]',
        '  lr: 0.1',
        'epochs: 1',
        'workers: 2',
        'triage: {keep: 2, method: shrinkage-hscore}',
        '',
      ].join('\n'),
    );
    const run = await runCli(['--home', join(dir, 'home'), 'sweep', file, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { result } = checkJsonLines(run.stdout, sweepResultSchema);
    expect(result.triage).toMatchObject({ method: 'shrinkage-hscore', keep: 2 });
    const layers = result.triage!.layers;
    expect(layers.map((l) => l.layer).sort()).toEqual(
      ['block1/pool', 'block2/pool', 'block3/pool', 'concat(last:2)', 'logits'].sort(),
    );
    const kept = layers.filter((l) => l.kept).map((l) => l.layer);
    expect(kept).toEqual(layers.slice(0, 2).map((l) => l.layer));
    expect(result.layers.map((l) => l.layer).sort()).toEqual([...kept].sort());
    // 2 kept sets × (one linear head + one ridge head)
    expect(result.trials).toBe(4);
    expect(existsSync(join(dir, 'home', 'runs', result.run, 'triage.json'))).toBe(true);
  });
});
