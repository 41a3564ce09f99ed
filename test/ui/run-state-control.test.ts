import { describe, expect, it } from 'vitest';
import type { TrainControlEvent } from '../../src/core/events.js';
import { controlLine } from '../../src/ui/milestones.js';
import { trainingRate } from '../../src/ui/progress.js';
import { isOver } from '../../src/ui/run-state.js';
import { epoch1, epoch2, replay, trainingRun } from './run-fixture.js';

const control = (fields: Partial<TrainControlEvent>): TrainControlEvent => ({
  type: 'train.control',
  op: 'stop',
  applied: true,
  epoch: 1,
  ...fields,
});

describe('run state: learning curves, steering, memory', () => {
  it('keeps every epoch of every model: the learning curves', () => {
    const state = replay([...trainingRun, epoch2]);
    expect(state.training.models[4]?.history).toEqual([
      { epoch: 1, trainLoss: 0.4, valLoss: 0.5, valAccuracy: 0.86 },
      { epoch: 2, trainLoss: 0.3, valLoss: 0.4, valAccuracy: 0.913 },
    ]);
    const f1 = replay([
      ...trainingRun.slice(0, 4),
      { ...epoch1, models: epoch1.models.map((m) => ({ ...m, valMacroF1: 0.5 })) },
    ]);
    expect(f1.training.models[0]?.history[0]?.valMacroF1).toBe(0.5);
  });

  it('stop, halve and resume change a model’s status; clone and add add models', () => {
    let state = replay([
      ...trainingRun,
      control({ id: 'a', model: 'm1' }),
      control({ op: 'halve', model: 'm2' }),
      control({ id: 'b', op: 'clone', model: 'm4', models: [{ id: 'm6', layer: 'pool3', head: 'lr=0.05' }] }),
      control({ id: 'c', op: 'add', models: [{ id: 'm7', layer: 'conv1', head: 'mlp lr=0.1' }] }),
    ]);
    const status = () => Object.fromEntries(state.training.models.map((m) => [m.id, m.status]));
    expect(status()).toMatchObject({
      m0: 'training',
      m1: 'stopped',
      m2: 'halved',
      m6: 'training',
      m7: 'training',
    });
    expect(state.training.models.find((m) => m.id === 'm6')).toMatchObject({
      layer: 'pool3',
      origin: 'clone of m4',
      history: [],
    });
    expect(state.training.models.find((m) => m.id === 'm7')?.origin).toBe('added');
    state = replay([
      ...trainingRun,
      control({ id: 'a', model: 'm1' }),
      control({ id: 'd', op: 'resume', model: 'm1', epoch: 2 }),
    ]);
    expect(status().m1).toBe('training');
    expect(state.training.controls.map((c) => [c.id, c.op, c.applied])).toEqual([
      ['a', 'stop', true],
      ['d', 'resume', true],
    ]);
  });

  it('a refused command changes nothing but is recorded with its reason', () => {
    const state = replay([
      ...trainingRun,
      control({ id: 'x', model: 'm9', applied: false, reason: 'no model m9' }),
    ]);
    expect(state.training.models.every((m) => m.status === 'training')).toBe(true);
    expect(state.training.controls).toEqual([
      { id: 'x', op: 'stop', model: 'm9', applied: false, epoch: 1, reason: 'no model m9', created: [] },
    ]);
    expect(state.log.at(-1)?.text).toBe('steer: stop m9 not applied: no model m9');
  });

  it('words steering milestones as the log shows them', () => {
    expect(controlLine(control({ model: 'm1', epoch: 3 }))).toBe('steer: stop m1 applied after epoch 3');
    expect(
      controlLine(
        control({ op: 'clone', model: 'm1', epoch: 0, models: [{ id: 'm8', layer: 'l', head: 'h' }] }),
      ),
    ).toBe('steer: clone m1 → m8 applied before epoch 1');
    expect(controlLine(control({ op: 'halve', model: 'm2', epoch: 4 }))).toBe(
      'halving: m2 stopped after epoch 4',
    );
  });

  it('memory samples, interruption, and events it does not know', () => {
    let state = replay([...trainingRun, { type: 'sample', rssMb: 321 }]);
    expect(state.training.rssMb).toBe(321);
    expect(trainingRate(state.training)).toBeCloseTo(((8 * 800) / (8 * 0.5)) * 2);
    state = replay([...trainingRun, { type: 'interrupted', message: 'interrupted; finished work is saved' }]);
    expect(state.phase).toBe('interrupted');
    expect(isOver(state.phase)).toBe(true);
    const unknown = { type: 'extract.plan', stages: 2 } as unknown as TrainControlEvent;
    expect(replay([...trainingRun, unknown]).training).toEqual(replay(trainingRun).training);
  });
});
