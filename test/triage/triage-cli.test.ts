import { beforeAll, describe, expect, it } from 'vitest';
import { checkDocument, checkErrorOutput, triageSchema } from '../../src/core/contract/index.js';
import { runCli } from '../e2e/cli-run.js';
import { createTrainFixture, type TrainFixture } from '../e2e/train-store.js';

describe('layerlab triage (real CLI on a store extracted from the built-in pair)', () => {
  let fixture: TrainFixture;
  beforeAll(async () => {
    fixture = await createTrainFixture();
  });

  it('scores and ranks every stored feature set with each method, as the JSON contract says', async () => {
    const stored = ['block1/pool', 'block2/pool', 'block3/pool', 'block4/relu', 'pool', 'logits'];
    for (const method of ['logme', 'transrate', 'hscore', 'shrinkage-hscore', 'ridge']) {
      const run = await runCli([
        '--home',
        fixture.home,
        'triage',
        '--store',
        fixture.store,
        '--method',
        method,
        '--json',
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const result = checkDocument(run.stdout, triageSchema);
      expect(result.method).toBe(method);
      expect(result.layers.map((l) => l.layer).sort()).toEqual([...stored].sort());
      expect(result.layers.map((l) => l.rank)).toEqual([1, 2, 3, 4, 5, 6]);
      const scores = result.layers.map((l) => l.score!);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      // the backbone's 6 logits rank last under every method (full training agrees: the lowest accuracy)
      expect(result.layers.at(-1)!.layer).toBe('logits');
    }
  });

  it('scores the selected layers only, deterministically, and prints a ranked table without --json', async () => {
    const args = [
      '--home',
      fixture.home,
      'triage',
      '--store',
      fixture.store,
      '--layers',
      'block2/pool,block3/pool',
    ];
    const first = await runCli([...args, '--json']);
    const second = await runCli([...args, '--json']);
    const strip = (s: string) =>
      checkDocument(s, triageSchema).layers.map(({ layer, score }) => ({ layer, score }));
    expect(strip(first.stdout)).toEqual(strip(second.stdout));
    expect(strip(first.stdout)).toHaveLength(2);
    const plain = await runCli(args);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^rank +layer +score/);
    expect(plain.stdout).toMatch(/2 feature sets scored by ridge in/);
  });

  it('fails with the contract exit codes on a bad method (2) and a missing store (66)', async () => {
    const bad = await runCli(['triage', '--store', fixture.store, '--method', 'nope', '--json']);
    expect(bad.code).toBe(2);
    const missing = await runCli([
      '--home',
      fixture.home,
      'triage',
      '--store',
      `${fixture.store}-gone`,
      '--json',
    ]);
    expect(checkErrorOutput(missing.stderr, missing.code).exitCode).toBe(66);
  });
});
