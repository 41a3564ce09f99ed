import { describe, expect, it } from 'vitest';
import { initialRunView, reduceRunView, type RunViewContext } from '../../src/ui/run/run-view.js';
import { describeCommand, pendingIds, steerOutcome } from '../../src/ui/run/steering.js';
import {
  addForm,
  cloneForm,
  formCommand,
  reduceSteerForm,
  visibleFields,
  withError,
} from '../../src/ui/run/steer-form.js';
import type { TextEdit } from '../../src/ui/keys.js';

const context: RunViewContext = {
  layers: ['conv1', 'conv2', 'pool3'],
  columns: ['layer', 'best', 'h1', 'h2'],
  metrics: ['valAccuracy', 'valLoss'],
  page: 2,
};
const intent = (view: typeof initialRunView, ...intents: Parameters<typeof reduceRunView>[1][]) =>
  intents.reduce(reduceRunView, view);
const i = (name: 'up' | 'down' | 'left' | 'right' | 'sort' | 'metric' | 'filter' | 'back' | 'bottom') =>
  ({ type: 'intent', intent: name, context }) as const;

describe('run view state', () => {
  it('the cursor row is a layer, so it follows its layer when rows re-sort', () => {
    let view = intent(initialRunView, i('down'), i('down'), i('down'));
    expect(view.layer).toBe('pool3');
    view = intent(view, i('up'));
    expect(view.layer).toBe('conv2');
    const resorted = reduceRunView(view, {
      type: 'intent',
      intent: 'up',
      context: { ...context, layers: ['pool3', 'conv2', 'conv1'] },
    });
    expect(resorted.layer).toBe('pool3');
  });

  it('columns clamp; s sorts by the selected column, again reverses, a new column starts over', () => {
    let view = intent(initialRunView, i('left'), i('right'), i('right'), i('right'), i('right'), i('right'));
    expect(view.column).toBe(3);
    view = intent(view, i('sort'));
    expect(view.sort).toEqual({ column: 'h2', reversed: false });
    view = intent(view, i('sort'));
    expect(view.sort).toEqual({ column: 'h2', reversed: true });
    view = intent(view, i('left'), i('left'), i('sort'));
    expect(view.sort).toEqual({ column: 'best', reversed: false });
  });

  it('m cycles through the metrics; / edits the filter; Esc clears it', () => {
    let view = intent(initialRunView, i('metric'));
    expect(view.metric).toBe('valLoss');
    view = intent(view, i('metric'));
    expect(view.metric).toBe('valAccuracy');
    view = intent(view, i('filter'));
    expect(view.filter.editing).toBe(true);
    for (const edit of [
      { kind: 'insert', text: 'con' },
      { kind: 'insert', text: 'vv' },
      { kind: 'delete' },
      { kind: 'submit' },
    ] as TextEdit[])
      view = reduceRunView(view, { type: 'filter', edit });
    expect(view.filter).toEqual({ text: 'conv', editing: false });
    view = intent(view, i('back'));
    expect(view.filter).toEqual({ text: '', editing: false });
  });
});

const edit = (form: ReturnType<typeof cloneForm>, ...edits: TextEdit[]) =>
  edits.reduce(reduceSteerForm, form);
const type = (text: string): TextEdit => ({ kind: 'insert', text });
const config = {
  type: 'linear',
  lr: 0.1,
  l2: 0.0001,
  batchSize: 64,
  optimizer: 'sgd',
  momentum: 0.9,
  lrSchedule: 'cosine',
};

describe('steering forms', () => {
  it('clone: the model’s settings as fields (not its architecture), only changes sent', () => {
    const form = cloneForm('m4', 'pool3 lr=0.1 l2=1e-4', config);
    expect(visibleFields(form).map((f) => `${f.name}=${f.value}`)).toEqual([
      'lr=0.1',
      'l2=0.0001',
      'momentum=0.9',
      'batchSize=64',
      'optimizer=sgd',
      'schedule=cosine',
    ]);
    expect(formCommand(form)).toEqual({ error: 'change at least one setting to clone' });
    const changed = edit(
      form,
      { kind: 'delete' },
      type('05'),
      { kind: 'next' },
      { kind: 'previous' },
      { kind: 'previous' },
      { kind: 'right' },
    );
    expect(changed.fields.find((f) => f.name === 'lr')?.value).toBe('0.05');
    expect(changed.fields.find((f) => f.name === 'schedule')?.value).toBe('constant');
    expect(formCommand(changed)).toEqual({
      command: { op: 'clone', model: 'm4', changes: { lr: 0.05, schedule: 'constant' } },
    });
  });

  it('numbers must be numbers; the error shows until the next edit', () => {
    const form = edit(cloneForm('m4', 'x', config), type('x'));
    const result = formCommand(form);
    expect(result).toEqual({ error: 'lr: "0.1x" is not a number' });
    const shown = withError(form, 'lr: "0.1x" is not a number');
    expect(edit(shown, { kind: 'delete' }).error).toBeUndefined();
  });

  it('add: a layer of the run and a head; hidden widths and dropout only for an mlp', () => {
    const form = addForm(['conv1', 'conv2'], 'conv2', config);
    expect(visibleFields(form).map((f) => f.name)).toEqual([
      'layer',
      'type',
      'lr',
      'l2',
      'momentum',
      'batchSize',
      'optimizer',
      'schedule',
    ]);
    expect(formCommand(form)).toEqual({
      command: {
        op: 'add',
        layer: 'conv2',
        head: {
          type: 'linear',
          lr: 0.1,
          l2: 0.0001,
          momentum: 0.9,
          batchSize: 64,
          optimizer: 'sgd',
          schedule: 'cosine',
        },
      },
    });
    const mlp = edit(
      form,
      { kind: 'left' },
      { kind: 'next' },
      { kind: 'right' },
      { kind: 'next' },
      { kind: 'delete' },
      type('64'),
    );
    expect(
      visibleFields(mlp)
        .map((f) => f.name)
        .slice(0, 3),
    ).toEqual(['layer', 'type', 'hidden']);
    const command = formCommand(mlp);
    expect(command).toMatchObject({
      command: { op: 'add', layer: 'conv1', head: { type: 'mlp', hidden: '1264', dropout: 0 } },
    });
  });

  it('choice fields do not take typing; focus wraps around', () => {
    const form = addForm(['conv1'], 'conv1', {});
    expect(edit(form, type('z')).fields[0]!.value).toBe('conv1');
    const fields = visibleFields(form).length;
    expect(edit(form, { kind: 'previous' }).focus).toBe(fields - 1);
  });
});

describe('steering outcomes', () => {
  const sent = [
    { id: 'a', command: { op: 'stop', model: 'm1' } as const },
    { id: 'b', command: { op: 'clone', model: 'm1', changes: { lr: 0.05 } } as const },
    {
      id: 'c',
      command: { op: 'add', layer: 'conv1', head: { lr: 0.1 } } as const,
      ack: { id: 'c', applied: false, reason: 'no' },
    },
  ];

  it('describes commands as people would say them', () => {
    expect(sent.map((s) => describeCommand(s.command))).toEqual([
      'stop m1',
      'clone m1 lr=0.05',
      'add conv1 lr=0.1',
    ]);
  });

  it('a command is pending until the trainer’s event or acknowledgement says what became of it', () => {
    const controls = [
      { id: 'b', op: 'clone' as const, model: 'm1', applied: true, epoch: 3, created: ['m9'] },
    ];
    expect(steerOutcome(sent[0]!, controls)).toEqual({ state: 'pending' });
    expect(steerOutcome(sent[1]!, controls)).toEqual({ state: 'applied', epoch: 3, created: ['m9'] });
    expect(steerOutcome(sent[2]!, controls)).toEqual({ state: 'refused', reason: 'no' });
    expect(pendingIds(sent, controls)).toEqual(['a']);
  });
});
