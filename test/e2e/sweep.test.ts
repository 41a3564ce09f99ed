import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainingResult } from '../../src/core/result.js';
import { cliBin as bin, parseNdjson, runCli } from './cli-run.js';

const SWEEP = `model: builtin:shapes-cnn
data: builtin:shapes
layers: [block1/pool, block2/relu, block2/pool, block3/pool, block4/relu, logits]
views: [concat(last:2)]
heads:
  type: [linear, mlp]
  hidden: 32
  lr: {values: [0.1, 0.03]}
  l2: [1.0e-4, 1.0e-2]
  momentum: 0.9
  schedule: cosine
method: grid
epochs: 3
workers: 2
seed: 3
`;

/** Starts a sweep and kill -9s it once `units` training units have finished; resolves its run id. */
function killDuringTraining(home: string, file: string, units: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '--home', home, 'sweep', file, '--json'], {
      env: { ...process.env, CI: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let buffered = '';
    let run = '';
    let seen = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const event = JSON.parse(line) as { type: string; run?: string };
        if (event.type === 'train.start') run = event.run!;
        if (event.type === 'train.unit' && ++seen === units) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) =>
      signal === 'SIGKILL' && run
        ? resolve(run)
        : reject(new Error(`sweep ended before the kill (${signal ?? 'exit'})`)),
    );
  });
}

/** A result without its timings, for comparing runs. */
const comparable = (r: TrainingResult) => ({ layers: r.layers, best: r.best, metric: r.metric });

describe('layerlab sweep (real CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlab-sweep-'));
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, SWEEP);

  it('plans deterministically: the same trials and ids every time, 7 feature views × 8 heads', async () => {
    const home = mkdtempSync(join(tmpdir(), 'layerlab-sweep-home-'));
    const a = await runCli(['--home', home, 'sweep', 'plan', file, '--json']);
    const b = await runCli(['--home', home, 'sweep', 'plan', file, '--json']);
    expect(a.code).toBe(0);
    type Plan = { trials: { id: string; layer: string }[]; featureSets: unknown[] };
    const plan = JSON.parse(a.stdout) as Plan;
    const again = JSON.parse(b.stdout) as Plan;
    // Forecasts are measured (probe timings, free memory); the trials and feature sets are not.
    expect(again.trials).toEqual(plan.trials);
    expect(again.featureSets).toEqual(plan.featureSets);
    expect(plan.featureSets).toHaveLength(7);
    expect(plan.trials).toHaveLength(56);
    expect(new Set(plan.trials.map((t) => t.id)).size).toBe(56);
  });

  it('resumes after kill -9 and ends like an uninterrupted sweep (timings aside)', async () => {
    const whole = await runCli([
      '--home',
      mkdtempSync(join(tmpdir(), 'layerlab-sweep-home-')),
      'sweep',
      file,
      '--json',
    ]);
    expect(whole.code).toBe(0);
    const expected = parseNdjson(whole.stdout).at(-1) as unknown as TrainingResult & { trials: number };
    expect(expected.trials).toBe(56);

    const home = mkdtempSync(join(tmpdir(), 'layerlab-sweep-home-'));
    const run = await killDuringTraining(home, file, 9);
    const resumed = await runCli(['--home', home, 'sweep', file, '--resume', run, '--json']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const result = parseNdjson(resumed.stdout).at(-1) as unknown as TrainingResult;
    expect(result.run).toBe(run);
    expect(comparable(result)).toEqual(comparable(expected));
    // The trials of the interrupted run were kept, not re-planned.
    const trials = JSON.parse(readFileSync(join(home, 'runs', run, 'trials.json'), 'utf8')) as unknown[];
    expect(trials).toHaveLength(56);

    // A finished sweep resumed again just prints its result.
    const again = await runCli(['--home', home, 'sweep', file, '--resume', run, '--json']);
    expect(comparable(parseNdjson(again.stdout).at(-1) as unknown as TrainingResult)).toEqual(
      comparable(expected),
    );
  });

  it('refuses to resume with a changed sweep file, and prints the JSON Schema', async () => {
    const home = mkdtempSync(join(tmpdir(), 'layerlab-sweep-home-'));
    const run = await killDuringTraining(home, file, 2);
    const changed = join(dir, 'changed.yaml');
    writeFileSync(changed, SWEEP.replace('epochs: 3', 'epochs: 4'));
    const refused = await runCli(['--home', home, 'sweep', changed, '--resume', run]);
    expect(refused.code).toBe(78);
    expect(refused.stderr).toMatch(/the sweep file changed since run-/);
    const schema = await runCli(['sweep', '--schema']);
    expect(JSON.parse(schema.stdout)).toMatchObject({ title: 'layerlab sweep file', type: 'object' });
  });
});
