import { describe, expect, it } from 'vitest';
import { parseSweepText } from '../../src/sweep/parse-sweep.js';
import { sweepJsonSchema } from '../../src/sweep/sweep-schema.js';

const valid = `model: builtin:shapes-cnn
data: builtin:shapes
layers: blocks
heads:
  lr: [0.1, 0.01]
  l2: {log_uniform_values: [1.0e-5, 1.0e-2]}
method: random
run_cap: 8
epochs: 3
`;

function errorOf(text: string): string {
  try {
    parseSweepText(text, 'sweep.yaml');
  } catch (error) {
    expect(error).toMatchObject({ exitCode: 78 });
    return (error as Error).message;
  }
  throw new Error('expected the sweep file to be rejected');
}

/** [what is wrong, file text, the exact message] */
const invalid: [string, string, string][] = [
  [
    'not a mapping',
    '- a\n- b\n',
    'sweep.yaml:1:1: (top level): expected a mapping of sweep settings (model, data, heads, ...)',
  ],
  [
    'YAML syntax',
    'model: [a, b\n',
    'sweep.yaml:2:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
  ],
  ['duplicate key', 'model: a\nmodel: b\n', 'sweep.yaml:2:1: Map keys must be unique'],
  [
    'missing model',
    'data: builtin:shapes\nheads: {lr: 0.1}\n',
    'sweep.yaml:1:1: model: required: a model ref: an .onnx file, a model folder, a model.json, or builtin:NAME',
  ],
  [
    'missing data',
    'model: m.onnx\nheads: {lr: 0.1}\n',
    'sweep.yaml:1:1: data: required: a data ref (string) or {ref, textColumn, labelColumn, split, seed}',
  ],
  [
    'missing heads',
    'model: m.onnx\ndata: d.csv\n',
    'sweep.yaml:1:1: heads: required: a mapping of head parameters (type, hidden, lr, l2, batchSize, optimizer, momentum, dropout)',
  ],
  [
    'unknown top-level key',
    valid + 'epoch: 3\n',
    'sweep.yaml:10:1: epoch: unknown key; expected one of name, model, data, layers, pooling, views, preprocess, heads, method, run_cap, epochs, halving, workers, metric, seed, groups, triage',
  ],
  [
    'unknown head key',
    valid.replace('  lr:', '  learning_rate: 0.1\n  lr:'),
    'sweep.yaml:5:3: heads.learning_rate: unknown key; expected one of type, optimizer, schedule, classWeight, lr, l2, momentum, dropout, batchSize, hidden',
  ],
  [
    'lr as text',
    valid.replace('lr: [0.1, 0.01]', 'lr: fast'),
    'sweep.yaml:5:7: heads.lr: expected a learning rate > 0, got "fast"',
  ],
  [
    'negative lr in a list',
    valid.replace('[0.1, 0.01]', '[0.1, -0.01]'),
    'sweep.yaml:5:13: heads.lr[1]: expected a learning rate > 0, got -0.01',
  ],
  [
    'log-uniform with min 0',
    valid.replace('[1.0e-5, 1.0e-2]', '[0, 1.0e-2]'),
    'sweep.yaml:6:28: heads.l2.log_uniform_values: log_uniform_values needs min > 0, got 0',
  ],
  [
    'uniform with min > max',
    valid.replace('{log_uniform_values: [1.0e-5, 1.0e-2]}', '{uniform: [0.5, 0.1]}'),
    'sweep.yaml:6:17: heads.l2.uniform: uniform needs min ≤ max, got [0.5, 0.1]',
  ],
  [
    'unknown distribution',
    valid.replace('log_uniform_values', 'loguniform'),
    'sweep.yaml:6:7: heads.l2: expected an L2 strength ≥ 0, as a value, a list, or a distribution ({log_uniform_values: [min, max]}, {uniform: [a, b]}, {int_uniform: [a, b]}, {q_uniform: [a, b, q]}, {values: [...]}, {value: x})',
  ],
  [
    'bad head type',
    valid + '  type: cnn\n'.replace('  type', 'heads2'),
    'sweep.yaml:10:1: heads2: unknown key; expected one of name, model, data, layers, pooling, views, preprocess, heads, method, run_cap, epochs, halving, workers, metric, seed, groups, triage',
  ],
  [
    'head type not linear/mlp',
    valid.replace('  lr:', '  type: cnn\n  lr:'),
    'sweep.yaml:5:9: heads.type: expected linear, mlp or ridge, got "cnn"',
  ],
  [
    'optimizer in values',
    valid.replace('  lr:', '  optimizer: {values: [sgd, rmsprop]}\n  lr:'),
    'sweep.yaml:5:29: heads.optimizer.values[1]: expected sgd or adam, got "rmsprop"',
  ],
  [
    'fractional batch size',
    valid.replace('  lr:', '  batchSize: 32.5\n  lr:'),
    'sweep.yaml:5:14: heads.batchSize: expected a positive integer batch size, got 32.5',
  ],
  [
    'distribution over optimizer',
    valid.replace('  lr:', '  optimizer: {uniform: [0, 1]}\n  lr:'),
    'sweep.yaml:5:24: heads.optimizer.uniform: optimizer takes values, not a uniform distribution',
  ],
  [
    'three hidden layers',
    valid.replace('  lr:', '  hidden: [[64, 32, 16]]\n  lr:'),
    'sweep.yaml:5:12: heads.hidden[0]: expected hidden units: a positive integer, or a list of 1–2 of them for one MLP, got [64,32,16]',
  ],
  [
    'dropout of 1',
    valid.replace('  lr:', '  dropout: 1\n  lr:'),
    'sweep.yaml:5:12: heads.dropout: expected a dropout rate in [0, 1), got 1',
  ],
  [
    'method',
    valid.replace('method: random', 'method: bayes'),
    'sweep.yaml:7:9: method: Invalid option: expected one of "grid"|"random"',
  ],
  [
    'epochs 0',
    valid.replace('epochs: 3', 'epochs: 0'),
    'sweep.yaml:9:9: epochs: Too small: expected number to be >0',
  ],
  [
    'run_cap as text',
    valid.replace('run_cap: 8', 'run_cap: all'),
    'sweep.yaml:8:10: run_cap: expected a positive integer',
  ],
  ['halving of 1', valid + 'halving: 1\n', 'sweep.yaml:10:10: halving: Too small: expected number to be >1'],
  [
    'pooling',
    valid + 'pooling: average\n',
    'sweep.yaml:10:10: pooling: expected mean, max, cls, none or grid:K',
  ],
  [
    'metric name',
    valid + 'metric: {name: auc}\n',
    'sweep.yaml:10:16: metric.name: Invalid option: expected one of "accuracy"|"macro_f1"',
  ],
  [
    'split not summing to 1',
    valid.replace(
      'data: builtin:shapes',
      'data: {ref: builtin:shapes, split: {train: 0.5, val: 0.2, test: 0.2}}',
    ),
    'sweep.yaml:2:36: data.split: split ratios must add up to 1',
  ],
  [
    'derived view',
    valid + 'views: [sum(last)]\n',
    'sweep.yaml:10:9: views[0]: expected sum(last:K), mean(last:K) or concat(last:K)',
  ],
  [
    'preprocess channels',
    valid + 'preprocess: {channels: rgba}\n',
    'sweep.yaml:10:24: preprocess.channels: Invalid option: expected one of "rgb"|"bgr"|"gray"',
  ],
  [
    'two problems at once',
    valid.replace('epochs: 3', 'epochs: -1').replace('run_cap: 8', 'run_cap: 0'),
    'sweep.yaml:8:10: run_cap: Too small: expected number to be >0\nsweep.yaml:9:9: epochs: Too small: expected number to be >0',
  ],
];

describe('sweep files', () => {
  it('accepts a valid file and applies defaults', () => {
    const sweep = parseSweepText(valid, '/sweeps/s.yaml');
    expect(sweep).toMatchObject({
      model: 'builtin:shapes-cnn',
      data: 'builtin:shapes',
      method: 'random',
      run_cap: 8,
      epochs: 3,
      seed: 1,
      pooling: 'mean',
    });
    expect(sweep.metric).toEqual({ name: 'accuracy', goal: 'maximize' });
  });

  it('resolves relative paths against the file’s own folder', () => {
    const sweep = parseSweepText(
      valid
        .replace('builtin:shapes-cnn', 'models/cnn.onnx')
        .replace('data: builtin:shapes', 'data: {ref: ../data/train.csv}'),
      '/work/sweeps/s.yaml',
    );
    expect(sweep.model).toBe('/work/sweeps/models/cnn.onnx');
    expect(sweep.data).toEqual({ ref: '/work/data/train.csv' });
  });

  it.each(invalid)(
    'rejects %s with file:line:column, key path and what is expected',
    (_what, text, message) => {
      expect(errorOf(text)).toBe(message);
    },
  );

  it('takes groups: true or {minRecords: N}, and names what it expects otherwise', () => {
    expect(parseSweepText(`${valid}groups: true\n`, '/sweeps/s.yaml').groups).toBe(true);
    expect(parseSweepText(`${valid}groups: {minRecords: 30}\n`, '/sweeps/s.yaml').groups).toEqual({
      minRecords: 30,
    });
    expect(errorOf(`${valid}groups: {min: 3}\n`)).toBe(
      'sweep.yaml:10:9: groups: expected true, or {minRecords: N}',
    );
  });

  it('has at least 20 invalid cases', () => expect(invalid.length).toBeGreaterThanOrEqual(20));

  it('publishes a JSON Schema', () => {
    const schema = sweepJsonSchema() as {
      type: string;
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['model', 'data', 'heads']) as string[]);
    expect(Object.keys(schema.properties)).toContain('halving');
  });
});
