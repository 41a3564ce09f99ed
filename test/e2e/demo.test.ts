import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainingResult } from '../../src/core/result.js';
import { parseNdjson, runCli } from './cli-run.js';

describe('layerlab demo (real CLI, end to end)', () => {
  const home = mkdtempSync(join(tmpdir(), 'layerlab-home-'));

  it('runs the pipeline, prints the NDJSON contract, then reuses the store', async () => {
    const first = await runCli(['--home', home, 'demo', '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const events = parseNdjson(first.stdout);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('extract.start');
    expect(types).toContain('extract.progress');
    expect(types).toContain('train.unit');
    expect(types.at(-1)).toBe('result');
    const result = events.at(-1) as unknown as TrainingResult;
    expect(result.run).toMatch(/^run-/);
    expect(result.store.startsWith(join(home, 'stores'))).toBe(true);
    expect(result.metric).toBe('accuracy');
    expect(result.cached).toBe(false);
    expect(result.layers.length).toBeGreaterThanOrEqual(4);
    for (const layer of result.layers) {
      expect(typeof layer.layer).toBe('string');
      expect(layer.best.value).toBeGreaterThanOrEqual(0);
      expect(layer.best.value).toBeLessThanOrEqual(1);
    }
    // Texture has 5 classes: chance is 20%.
    expect(result.best.value).toBeGreaterThan(0.5);
    expect(result.best.test).toBeGreaterThan(0.5);
    expect(result.layers.map((l) => l.layer)).toContain(result.best.layer);
    // Every unit of MOP is reported: groups × shards per epoch.
    const start = events.find((e) => e.type === 'train.start') as {
      groups: number;
      workers: number;
      epochs: number;
    };
    expect(events.filter((e) => e.type === 'train.unit')).toHaveLength(
      start.groups * start.workers * start.epochs,
    );

    const second = await runCli(['--home', home, 'demo', '--json']);
    expect(second.code).toBe(0);
    const again = parseNdjson(second.stdout);
    const reuse = again.find((e) => e.type === 'extract.start') as { reused: string[]; layers: string[] };
    expect(reuse.reused).toEqual(reuse.layers);
    expect(again.some((e) => e.type === 'extract.progress')).toBe(false);
    const secondResult = again.at(-1) as unknown as TrainingResult;
    expect(secondResult.cached).toBe(true);
    expect(secondResult.store).toBe(result.store);
    // Same seed, same store: the same layer-wise results.
    expect(secondResult.layers).toEqual(result.layers);
  });

  it('prints plain lines and the layer table when not on a terminal', async () => {
    const run = await runCli(['--home', home, 'demo']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/best: /);
    expect(run.stdout + run.stderr).not.toContain(String.fromCharCode(27));
    expect(run.stderr).toMatch(/reused/i);
  });

  it('fails with a usage error and exit 2 on a bad flag value', async () => {
    const run = await runCli(['--home', home, 'demo', '--workers', 'zero', '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr.trim())).toMatchObject({ type: 'error', code: 'USAGE', exitCode: 2 });
  });
});
