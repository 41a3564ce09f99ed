import { describe, expect, it } from 'vitest';
import { formatBytes, formatMebibytes } from '../../src/core/format-bytes.js';

describe('formatBytes', () => {
  it('labels powers of 1024 with binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2 ** 10)).toBe('1 KiB');
    expect(formatBytes(251 * 2 ** 10)).toBe('251 KiB');
    expect(formatBytes(4.7 * 2 ** 20)).toBe('4.7 MiB');
    expect(formatBytes(2 ** 20)).toBe('1 MiB');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(formatBytes(3 * 2 ** 40)).toBe('3 TiB');
  });

  it('keeps three significant figures at most: one decimal below 10, the next unit from 1000', () => {
    expect(formatBytes(9.96 * 2 ** 20)).toBe('10 MiB');
    expect(formatBytes(412.4 * 2 ** 20)).toBe('412 MiB');
    expect(formatBytes(999 * 2 ** 20)).toBe('999 MiB');
    expect(formatBytes(1000 * 2 ** 20)).toBe('1 GiB');
    expect(formatBytes(999.7)).toBe('1 KiB');
    expect(formatBytes(0)).toBe('0 B');
  });

  it('prints a placeholder for what is not a size', () => {
    expect(formatBytes(Number.NaN)).toBe('–');
    expect(formatBytes(-1)).toBe('–');
    expect(formatBytes(Number.POSITIVE_INFINITY, '?')).toBe('?');
  });

  it('reads sizes given in MiB (RSS in events) the same way', () => {
    expect(formatMebibytes(412.4)).toBe('412 MiB');
    expect(formatMebibytes(1536)).toBe('1.5 GiB');
  });
});
