import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import type { TrainingResult } from '../../src/core/result.js';
import { readSnapshot } from '../../src/train/run-folder/run-snapshot.js';
import { differingTensors } from '../train/same-bits.js';
import { cliBin as bin, parseNdjson, runCli } from './cli-run.js';
import { createTrainFixture, type TrainFixture } from './train-store.js';

/**
 * Runs the CLI with --json and SIGKILLs it (kill -9: no cleanup, no handlers) once `shouldKill` says
 * so for an event, or after `afterMs`; resolves with the run id seen and whether it was killed.
 */
function runAndKill(
  args: string[],
  kill: { afterUnits?: number; afterMs?: number },
): Promise<{ run?: string; killed: boolean; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args, '--json'], {
      env: { ...process.env, CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let run: string | undefined;
    let units = 0;
    let killed = false;
    let partial = '';
    const killNow = () => {
      if (!killed && child.exitCode === null) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const event = JSON.parse(line) as { type: string; run?: string };
        if (event.type === 'train.start') {
          run = event.run;
          if (kill.afterMs !== undefined) setTimeout(killNow, kill.afterMs);
        }
        if (event.type === 'train.unit' && ++units === kill.afterUnits) killNow();
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ...(run ? { run } : {}), killed, code }));
  });
}

const withoutTiming = (r: TrainingResult) => ({ ...r, run: '', seconds: {} });

describe('kill -9 and resume (real CLI)', () => {
  let fixture: TrainFixture;
  let args: string[];
  let reference: TrainingResult;
  let referenceDir: string;
  const units = 2 * 2 * 4; // 2 layers → 2 groups, 2 workers, 4 epochs

  beforeAll(async () => {
    fixture = await createTrainFixture();
    const { home, store, heads } = fixture;
    args = [
      '--home',
      home,
      'train',
      '--store',
      store,
      '--layers',
      'block1/pool,block2/pool',
      '--heads',
      heads,
      '--workers',
      '2',
      '--epochs',
      '4',
    ];
    const clean = await runCli([...args, '--json']);
    expect(clean.code).toBe(0);
    reference = parseNdjson(clean.stdout).at(-1) as unknown as TrainingResult;
    referenceDir = join(home, 'runs', reference.run);
  });

  it('continues from the last finished unit after kills at random points, and ends exactly like an uninterrupted run', async () => {
    const rng = new Rng(2026);
    for (let trial = 0; trial < 3; trial++) {
      // first kill after a random number of units; then kill the resumed process at a random moment
      const first = await runAndKill(args, { afterUnits: 1 + rng.int(units - 1) });
      expect(first.killed).toBe(true);
      expect(first.run).toBeDefined();
      const runDir = join(fixture.home, 'runs', first.run!);
      const second = await runAndKill([...args.slice(0, 3), '--resume', first.run!], {
        afterMs: 100 + rng.int(1500),
      });
      expect(second.code === 0 || second.killed).toBe(true);
      const last = await runCli(['--home', fixture.home, 'train', '--resume', first.run!, '--json']);
      expect(last.code).toBe(0);
      const events = parseNdjson(last.stdout);
      const result = events.at(-1) as unknown as TrainingResult;
      expect(result.run).toBe(first.run);
      expect(withoutTiming(result)).toEqual(withoutTiming(reference));
      expect(differingTensors(readSnapshot(referenceDir)!.states, readSnapshot(runDir)!.states)).toEqual([]);
    }
  });
});
