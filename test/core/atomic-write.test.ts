import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicAsync } from '../../src/core/atomic-write.js';

describe('atomic file writes (temp file, fdatasync, rename)', () => {
  const big = Uint8Array.from({ length: 5 << 20 }, (_, i) => (i * 31) & 0xff);

  it('replace a file whole, text or bytes, and leave no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-atomic-'));
    const path = join(dir, 'f');
    writeFileSync(path, 'old');
    writeFileAtomic(path, 'new ✓');
    expect(readFileSync(path, 'utf8')).toBe('new ✓');
    writeFileAtomic(path, big);
    expect(readFileSync(path).equals(Buffer.from(big))).toBe(true);
    await writeFileAtomicAsync(path, big.subarray(7, 1000));
    expect(readFileSync(path).equals(Buffer.from(big.subarray(7, 1000)))).toBe(true);
    expect(readdirSync(dir)).toEqual(['f']);
  });

  it('fail with nothing half-written when the path cannot be replaced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerlab-atomic-'));
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expect(() => writeFileAtomic(folder, 'x')).toThrow(/EISDIR|EEXIST|ENOTEMPTY|directory/i);
    await expect(writeFileAtomicAsync(folder, big)).rejects.toThrow(/EISDIR|EEXIST|ENOTEMPTY|directory/i);
    expect(readdirSync(dir)).toEqual(['a-folder']);
  });
});
