import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train } from '../src/train/mop/train.js';
import type { TrainJob, TrainOutcome } from '../src/train/mop/train-job.js';

export interface TimedRun {
  outcome: TrainOutcome;
  /** the whole call: read the store, start workers, train, validate, test */
  totalSeconds: number;
  /** from train.start to the last train.epoch: the MOP epochs (training and validation) */
  epochSeconds: number;
  /** the epochs after the first (steady state: sessions built, shard memory touched) */
  steadySeconds: number;
  /** train examples × models × epochs after the first */
  steadyExampleModels: number;
  /** train examples × models × epochs each model trained */
  exampleModels: number;
}

/** Runs one training job in a fresh run folder and times its phases from its own events. */
export async function timedTrain(job: TrainJob, trainRows: number): Promise<TimedRun> {
  const runDir = mkdtempSync(join(tmpdir(), 'layerlab-bench-run-'));
  let startedAt = 0;
  let lastEpochAt = 0;
  let firstEpochAt = 0;
  let firstEpochModels = 0;
  const began = performance.now();
  try {
    const outcome = await train(job, {
      runDir,
      sink: (event) => {
        if (event.type === 'train.start') startedAt = performance.now();
        if (event.type === 'train.epoch') {
          lastEpochAt = performance.now();
          if (event.epoch === 1) [firstEpochAt, firstEpochModels] = [lastEpochAt, event.models.length];
        }
      },
    });
    const totalSeconds = (performance.now() - began) / 1000;
    const exampleModels = trainRows * outcome.models.reduce((n, m) => n + m.head.epochs, 0);
    return {
      outcome,
      totalSeconds,
      epochSeconds: (lastEpochAt - startedAt) / 1000,
      exampleModels,
      steadySeconds: (lastEpochAt - firstEpochAt) / 1000,
      steadyExampleModels: exampleModels - trainRows * firstEpochModels,
    };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
