import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildCifar10Groups,
  cifar10Groups,
  defaultCifar10Root,
} from '../../datasets/build-cifar10-groups.js';

describe('the real grouped dataset script (shared CIFAR-10 JPEGs)', () => {
  it.skipIf(!existsSync(defaultCifar10Root))(
    'lays out GROUP/CLASS/FILE, a different class pair per group',
    () => {
      const out = mkdtempSync(join(tmpdir(), 'layerlab-cifar-groups-'));
      try {
        const counts = buildCifar10Groups(out, 5)!;
        expect(Object.keys(counts)).toEqual(Object.keys(cifar10Groups));
        for (const [group, classes] of Object.entries(cifar10Groups)) {
          expect(readdirSync(join(out, group)).sort()).toEqual([...classes].sort());
          for (const name of classes) expect(readdirSync(join(out, group, name))).toHaveLength(5);
          expect(counts[group]).toBe(10);
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  );

  it('skips cleanly when the assets are absent', () => {
    expect(
      buildCifar10Groups(join(tmpdir(), 'never-written'), 5, join(tmpdir(), 'no-such-assets')),
    ).toBeUndefined();
    expect(existsSync(join(tmpdir(), 'never-written'))).toBe(false);
  });
});
