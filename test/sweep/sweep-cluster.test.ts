import { describe, expect, it } from 'vitest';
import { resolveExtractConfig } from '../../src/extract/extract-config.js';
import { parseSweepText } from '../../src/sweep/parse-sweep.js';
import { refuseOnCluster, sweepExtractFlags } from '../../src/sweep/sweep-cluster.js';

const sweep = (extra: string) =>
  parseSweepText(
    `model: builtin:shapes-cnn
heads:
  lr: [0.1, 0.01]
${extra}`,
    '/tmp/sweep.yaml',
  );

describe('a sweep file as extract --cluster flags', () => {
  it('carries layers, pooling, data options, the seed and preprocessing, as extract resolves them', () => {
    const file = sweep(`data:
  ref: rows.csv
  textColumn: text
  labelColumn: label
  split: {train: 0.7, val: 0.2, test: 0.1}
layers: [block1/relu, last:2]
pooling: grid:2
preprocess: {resize: [32, 32], scale: 0.5, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], channels: bgr, layout: nhwc, maxLength: 64}
seed: 9
`);
    const flags = sweepExtractFlags(file);
    expect(flags).toEqual({
      layers: 'block1/relu,last:2',
      pool: 'grid:2',
      seed: '9',
      split: '0.7,0.2',
      textColumn: 'text',
      labelColumn: 'label',
      resize: '32,32',
      scale: '0.5',
      mean: '0.5,0.5,0.5',
      std: '0.25,0.25,0.25',
      channels: 'bgr',
      layout: 'nhwc',
      maxLength: '64',
    });
    const config = resolveExtractConfig(flags);
    // the fractions a local sweep opens its data with, exactly
    expect(config.data).toMatchObject({ split: { train: 0.7, val: 0.2 }, seed: 9, textColumn: 'text' });
    expect(config.preprocess).toEqual({
      resize: [32, 32],
      scale: 0.5,
      mean: [0.5, 0.5, 0.5],
      std: [0.25, 0.25, 0.25],
      channels: 'bgr',
      layout: 'nhwc',
      maxLength: 64,
    });
  });

  it("the data block's own seed wins over the sweep's", () => {
    expect(sweepExtractFlags(sweep('data: {ref: builtin:shapes, seed: 4}\nseed: 2\n')).seed).toBe('4');
    expect(sweepExtractFlags(sweep('data: builtin:shapes\n')).seed).toBe('1');
  });

  it('refuses, one line each naming the fix, what needs every row on one machine', () => {
    const refused = (extra: string) => () => refuseOnCluster(sweep(`data: builtin:shapes\n${extra}`));
    expect(refused('pooling: [mean, max]\n')).toThrow(/keep one of pooling: \[mean, max\]/);
    expect(refused('views: [sum(last:2)]\n')).toThrow(/drop views:/);
    expect(refused('triage: {keep: 2}\n')).toThrow(/drop triage:/);
    expect(refused('groups: true\n')).toThrow(/drop groups:/);
    expect(refused('pooling: max\n')).not.toThrow();
  });
});
