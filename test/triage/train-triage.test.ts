import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkDocument,
  checkJsonLines,
  triageSchema,
  trainingResultSchema,
} from '../../src/core/contract/index.js';
import { runCli } from '../e2e/cli-run.js';
import { createTrainFixture, type TrainFixture } from '../e2e/train-store.js';

describe('train --triage K (real CLI)', () => {
  let fixture: TrainFixture;
  beforeAll(async () => {
    fixture = await createTrainFixture();
  });

  it('trains only the K best-scored layers and lists the others as triaged out in the result, log, results and report', async () => {
    const { home, store } = fixture;
    const scored = checkDocument(
      (await runCli(['--home', home, 'triage', '--store', store, '--method', 'logme', '--json'])).stdout,
      triageSchema,
    );
    const run = await runCli([
      '--home',
      home,
      'train',
      '--store',
      store,
      '--triage',
      '2',
      '--triage-method',
      'logme',
      '--epochs',
      '1',
      '--workers',
      '2',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { events, result } = checkJsonLines(run.stdout, trainingResultSchema);
    const top2 = scored.layers.slice(0, 2).map((l) => l.layer);
    expect(result.triage).toMatchObject({ method: 'logme', keep: 2 });
    expect(result.triage!.layers.map(({ layer, score, rank }) => ({ layer, score, rank }))).toEqual(
      scored.layers.map(({ layer, score, rank }) => ({ layer, score, rank })),
    );
    expect(result.triage!.layers.filter((l) => l.kept).map((l) => l.layer)).toEqual(top2);
    expect(result.layers.map((l) => l.layer).sort()).toEqual([...top2].sort());
    const start = events.find((e) => e.type === 'train.start') as { models: { layer: string }[] };
    expect(new Set(start.models.map((m) => m.layer))).toEqual(new Set(top2));
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    const log = logs.find((message) => message.startsWith('triage by logme'));
    expect(log).toContain(`triaged out ${scored.layers[2]!.layer}`);

    const results = await runCli(['--home', home, 'results', result.run, '--json']);
    expect((JSON.parse(results.stdout) as { triage: unknown }).triage).toEqual(result.triage);
    const table = await runCli(['--home', home, 'results', result.run]);
    expect(table.stdout).toContain(`triaged out by logme (top 2 trained): ${scored.layers[2]!.layer}`);
    const out = join(home, 'triage-report.html');
    expect((await runCli(['--home', home, 'report', result.run, '--out', out])).code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Triage: logme, top 2 trained');
    // of the 4 sets left out, `pool` holds block4/relu's values (a global average pool of that relu)
    expect(html.match(/triaged out/g)).toHaveLength(3);
    expect(html).toContain('same features as block4/relu');
  });

  it('keeps K different feature sets: a set with a better-ranked twin is listed, never trained', async () => {
    const { home, store } = fixture;
    const scored = checkDocument(
      (await runCli(['--home', home, 'triage', '--store', store, '--json'])).stdout,
      triageSchema,
    );
    // the demo store's `pool` is block4/relu mean-pooled over space, as the extractor pools the relu:
    // the same bytes, scored once
    const twin = scored.layers.find((l) => l.layer === 'pool')!;
    const original = scored.layers.find((l) => l.layer === 'block4/relu')!;
    expect(twin).toMatchObject({ sameAs: 'block4/relu', score: original.score, seconds: 0 });
    expect(scored.layers.filter((l) => l.sameAs !== undefined)).toHaveLength(1);
    // scored alone, the twin gets that score from its own passes
    const alone = checkDocument(
      (await runCli(['--home', home, 'triage', '--store', store, '--layers', 'pool', '--json'])).stdout,
      triageSchema,
    );
    expect(alone.layers).toEqual([expect.objectContaining({ layer: 'pool', score: original.score })]);
    expect(alone.layers[0]!.sameAs).toBeUndefined();
    const distinct = scored.layers.filter((l) => l.sameAs === undefined).map((l) => l.layer);
    expect(distinct).toHaveLength(5);

    const run = await runCli([
      '--home',
      home,
      'train',
      '--store',
      store,
      '--triage',
      '5',
      '--epochs',
      '1',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const { events, result } = checkJsonLines(run.stdout, trainingResultSchema);
    expect(result.triage!.layers.filter((l) => l.kept).map((l) => l.layer)).toEqual(distinct);
    expect(result.triage!.layers.find((l) => l.layer === 'pool')).toMatchObject({
      kept: false,
      sameAs: 'block4/relu',
    });
    expect(result.layers.map((l) => l.layer).sort()).toEqual([...distinct].sort());
    const log = events
      .flatMap((e) => (e.type === 'log' ? [e.message] : []))
      .find((m) => m.startsWith('triage'));
    expect(log).toContain('triaged out pool (same features as block4/relu)');
    const table = await runCli(['--home', home, 'results', result.run]);
    expect(table.stdout).toMatch(
      /triaged out by logme \(top 5 trained\): pool \([^)]*same features as block4\/relu\)/,
    );
  });

  it('rejects --triage 0 as a usage error', async () => {
    const run = await runCli([
      '--home',
      fixture.home,
      'train',
      '--store',
      fixture.store,
      '--triage',
      '0',
      '--json',
    ]);
    expect(run.code).toBe(2);
  });

  it('fails a bad layer selector with its usage error, ending the workers it started for triage', async () => {
    // the shard threads start before triage selects and scores; a failing job must not leave them running
    const run = await runCli([
      '--home',
      fixture.home,
      'train',
      '--store',
      fixture.store,
      '--layers',
      '99',
      '--triage',
      '2',
      '--json',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/layer index 99 is out of range/);
  });
});
