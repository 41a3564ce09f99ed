import { describe, expect, it } from 'vitest';
import { resolvedHeadSchema } from '../../src/core/contract/shared.js';
import { headValueRules } from '../../src/sweep/head-value-rules.js';
import { headsBlockSchema } from '../../src/sweep/sweep-schema.js';
import { headFromValues } from '../../src/train/search/head-values.js';
import {
  DEFAULT_HIDDEN,
  HEAD_DEFAULTS,
  HEAD_PARAMETERS,
  PARAMETERS,
} from '../../src/train/search/head-parameters.js';
import { headSpaceSchema } from '../../src/train/search/search-space.js';

describe('the head parameter table', () => {
  it('lists the parameters in search order (the order seeds random search and grid rows)', () => {
    expect(PARAMETERS).toEqual([
      'type',
      'hidden',
      'optimizer',
      'lr',
      'l2',
      'momentum',
      'batchSize',
      'dropout',
      'schedule',
      'classWeight',
    ]);
  });

  it('gives the defaults heads have always had, as a valid resolved head', () => {
    expect(HEAD_DEFAULTS).toEqual({
      type: 'linear',
      hidden: [],
      lr: 0.01,
      l2: 1e-4,
      batchSize: 64,
      optimizer: 'sgd',
      momentum: 0.9,
      dropout: 0,
      lrSchedule: 'constant',
      classWeight: 'none',
    });
    expect(resolvedHeadSchema.safeParse(HEAD_DEFAULTS).success).toBe(true);
    expect(headFromValues({})).toEqual(HEAD_DEFAULTS);
  });

  it('is the one list behind head spaces, sweep head blocks and sweep value rules', () => {
    const spaceKeys = Object.keys(headSpaceSchema.shape).filter((k) => k !== 'layer');
    expect(spaceKeys).toEqual(PARAMETERS);
    expect(Object.keys(headsBlockSchema.shape)).toEqual(PARAMETERS);
    expect(Object.keys(headValueRules).sort()).toEqual([...PARAMETERS].sort());
    for (const name of PARAMETERS)
      expect(headValueRules[name]!.numeric, name).toBe(HEAD_PARAMETERS[name].numeric);
  });

  it('parses each parameter from the spellings a search space allows', () => {
    const head = headFromValues({
      type: 'mlp',
      hidden: '256x128',
      optimizer: 'adam',
      lr: '0.5',
      l2: 0,
      momentum: 0.5,
      batchSize: 32,
      dropout: 0.25,
      schedule: 'cosine',
      classWeight: 'balanced',
    });
    expect(head).toEqual({
      type: 'mlp',
      hidden: [256, 128],
      optimizer: 'adam',
      lr: 0.5,
      l2: 0,
      momentum: 0, // Adam ignores momentum: resolveHead zeroes it
      batchSize: 32,
      dropout: 0.25,
      lrSchedule: 'cosine',
      classWeight: 'balanced',
    });
    expect(headFromValues({ type: 'mlp' }).hidden).toEqual(DEFAULT_HIDDEN);
  });

  it('refuses a bad value or an unknown key with one line naming it', () => {
    expect(() => headFromValues({ optimizer: 'rmsprop' })).toThrow(
      'optimizer: expected sgd or adam, got "rmsprop"',
    );
    expect(() => headFromValues({ lr: 'fast' })).toThrow('lr: expected a number, got "fast"');
    expect(() => headFromValues({ width: 3 } as never)).toThrow(
      `unknown head setting width; use ${PARAMETERS.join(', ')}`,
    );
  });
});
