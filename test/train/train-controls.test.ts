import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LayerlabEvent, TrainControlEvent } from '../../src/core/events.js';
import { RunStore } from '../../src/store/run-store.js';
import type { HeadConfig } from '../../src/train/heads/head-config.js';
import { replaySequential } from '../../src/train/mop/replay.js';
import { readSnapshot } from '../../src/train/run-folder/run-snapshot.js';
import { train } from '../../src/train/mop/train.js';
import { differingTensors } from './same-bits.js';
import { createSyntheticStore } from './synthetic-store.js';

const heads: HeadConfig[] = [0.05, 0.2].map((lr) => ({
  type: 'linear',
  lr,
  l2: 1e-4,
  batchSize: 16,
  momentum: 0.9,
  optimizer: 'sgd',
}));

describe('steering a run at epoch boundaries (stop, resume, clone with warm start, add)', () => {
  const store = createSyntheticStore();
  const runs = mkdtempSync(join(tmpdir(), 'layerlab-runs-'));
  afterAll(() => {
    rmSync(dirname(store.dir), { recursive: true, force: true });
    rmSync(runs, { recursive: true, force: true });
  });

  it('applies queued commands between epochs, acknowledges each, and emits train.control', async () => {
    const run = RunStore.create(runs, 'run-steer', { command: 'train', model: 'm', data: 'd' });
    const ids: Record<string, string> = {};
    ids.stop = run.sendControl({ op: 'stop', model: 'm1' });
    const events: LayerlabEvent[] = [];
    const outcome = await train(
      { storeDir: store.dir, featureSets: store.featureSets, heads, epochs: 3, workers: 2, seed: 3 },
      {
        runDir: run.dir,
        control: run,
        sink: (event) => {
          events.push(event);
          if (event.type === 'train.epoch' && event.epoch === 1) {
            ids.clone = run.sendControl({
              op: 'clone',
              model: 'm0',
              changes: { lr: 0.01, optimizer: 'adam' },
            });
            ids.add = run.sendControl({
              op: 'add',
              layer: 'layer1',
              head: { type: 'mlp', hidden: 8, optimizer: 'adam', lr: 0.01 },
            });
            ids.resume = run.sendControl({ op: 'resume', model: 'm1' });
            ids.unknown = run.sendControl({ op: 'stop', model: 'm99' });
            ids.reshape = run.sendControl({ op: 'clone', model: 'm2', changes: { type: 'mlp' } });
          }
        },
      },
    );
    expect(run.pendingControls()).toEqual([]);
    expect(run.acknowledgement(ids.stop)).toMatchObject({ applied: true, epoch: 0 });
    expect(run.acknowledgement(ids.clone!)).toMatchObject({ applied: true, epoch: 1, models: ['m4'] });
    expect(run.acknowledgement(ids.add!)).toMatchObject({ applied: true, epoch: 1, models: ['m5'] });
    expect(run.acknowledgement(ids.resume!)).toMatchObject({ applied: true, epoch: 1 });
    expect(run.acknowledgement(ids.unknown!)).toMatchObject({
      applied: false,
      reason: 'no model m99 in this run',
    });
    expect(run.acknowledgement(ids.reshape!)).toMatchObject({
      applied: false,
      reason: expect.stringMatching(/architecture/) as string,
    });

    const control = events.filter((e): e is TrainControlEvent => e.type === 'train.control');
    expect(control.map((e) => [e.op, e.applied, e.epoch])).toEqual([
      ['stop', true, 0],
      ['clone', true, 1],
      ['add', true, 1],
      ['resume', true, 1],
      ['stop', false, 1],
      ['clone', false, 1],
    ]);
    expect(control[1]!.models).toEqual([
      { id: 'm4', layer: 'layer0', head: expect.stringMatching(/adam/) as string },
    ]);

    const byId = new Map(outcome.models.map((m) => [m.id, m]));
    expect(byId.get('m0')!.head.epochs).toBe(3);
    expect(byId.get('m1')!.head.epochs).toBe(2); // stopped before epoch 1, resumed after it
    expect(byId.get('m4')!.head).toMatchObject({ epochs: 2, optimizer: 'adam', lr: 0.01, l2: 1e-4 });
    expect(byId.get('m5')!.head).toMatchObject({ epochs: 2, type: 'mlp', hidden: [8] });
    expect(byId.get('m5')!.layer).toBe('layer1');

    // a warm start is the parent's weights after epoch 1 with fresh Adam state: replaying the run
    // sequentially from the recorded visits (cloning at the same boundary) gives the same bits
    const replayed = await replaySequential(run.dir);
    expect(differingTensors(readSnapshot(run.dir)!.states, replayed)).toEqual([]);
  });
});
