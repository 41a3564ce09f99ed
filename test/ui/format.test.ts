import { describe, expect, it } from 'vitest';
import { barFraction, blockBar, hashBar } from '../../src/ui/bar-glyphs.js';
import {
  formatCount,
  formatEta,
  formatHead,
  formatHyper,
  formatPercent,
  formatSeconds,
} from '../../src/ui/format.js';

describe('format helpers', () => {
  it('formats fractions as percentages, and missing values as a dash', () => {
    expect(formatPercent(0.9134)).toBe('91.3%');
    expect(formatPercent(0.4, 0)).toBe('40%');
    expect(formatPercent(undefined)).toBe('–');
    expect(formatPercent(Number.NaN)).toBe('–');
  });

  it('formats ETAs as a clock, unknown ones as dashes', () => {
    expect(formatEta(7.4)).toBe('0:07');
    expect(formatEta(750)).toBe('12:30');
    expect(formatEta(3723)).toBe('1:02:03');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('--:--');
    expect(formatEta(-1)).toBe('--:--');
    expect(formatEta(undefined)).toBe('--:--');
  });

  it('formats phase durations and counts', () => {
    expect(formatSeconds(3.21)).toBe('3.2 s');
    expect(formatSeconds(125)).toBe('2m05s');
    expect(formatCount(12345)).toBe('12,345');
  });

  it('writes hyper-parameters the way people do', () => {
    expect(formatHyper(0)).toBe('0');
    expect(formatHyper(0.01)).toBe('0.01');
    expect(formatHyper(0.5)).toBe('0.5');
    expect(formatHyper(1e-4)).toBe('1e-4');
    expect(formatHyper(3.2e-5)).toBe('3.2e-5');
    expect(formatHyper(0.0123456)).toBe('0.0123');
    const head = { id: 'm', type: 'mlp', lr: 0.001, l2: 0, batchSize: 32, momentum: 0, epochs: 3 } as const;
    expect(formatHead({ ...head, optimizer: 'sgd' })).toBe('mlp lr=0.001 l2=0');
    expect(formatHead({ ...head, optimizer: 'adam' })).toBe('mlp adam lr=0.001 l2=0');
  });
});

describe('bars', () => {
  it('clamps fractions and ignores non-finite values', () => {
    expect(barFraction(0.5)).toBe(0.5);
    expect(barFraction(3, 4)).toBe(0.75);
    expect(barFraction(1.5)).toBe(1);
    expect(barFraction(-1)).toBe(0);
    expect(barFraction(Number.NaN)).toBe(0);
    expect(barFraction(undefined)).toBe(0);
    expect(barFraction(1, 0)).toBe(0);
  });

  it('draws block bars with eighth-cell resolution', () => {
    expect(blockBar(0, 10)).toBe('');
    expect(blockBar(1, 4)).toBe('████');
    expect(blockBar(0.5, 5)).toBe('██▌');
    expect(blockBar(0.0125, 10)).toBe('▏');
    expect(blockBar(2, 3)).toBe('███');
  });

  it('draws hash bars rounded to whole characters', () => {
    expect(hashBar(0.913, 30)).toBe('#'.repeat(27));
    expect(hashBar(0, 30)).toBe('');
  });
});
