import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * One byte-size convention: every size is printed by `src/core/format-bytes.ts`. A value
 * interpolated right before a unit (`${x.toFixed(1)} MiB`, `${mb} MB`) is a second formatter.
 */
const root = join(import.meta.dirname, '..', '..');
const FORMATTER = 'src/core/format-bytes.ts';
const HAND_FORMATTED = /\}\s?[kKMGT]i?B\b/;

function sourceFiles(): string[] {
  return readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'));
}

describe('byte sizes', () => {
  it('the pattern finds a hand-made size', () => {
    expect(HAND_FORMATTED.test('`${(bytes / 2 ** 20).toFixed(1)} MiB`')).toBe(true);
    expect(HAND_FORMATTED.test('`RSS ${Math.round(mb)} MB`')).toBe(true);
    expect(HAND_FORMATTED.test('`${formatBytes(bytes)} on disk`')).toBe(false);
  });

  it('are printed only through the one formatter in src/core', () => {
    const offenders = sourceFiles()
      .filter((path) => path !== FORMATTER)
      .flatMap((path) =>
        readFileSync(join(root, path), 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${path}:${i + 1}`, line: line.trim() }))
          .filter(({ line }) => HAND_FORMATTED.test(line)),
      );
    expect(offenders).toEqual([]);
  });
});
