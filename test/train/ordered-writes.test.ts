import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OrderedWrites } from '../../src/train/run-folder/ordered-writes.js';

const dir = mkdtempSync(join(tmpdir(), 'layerlab-ordered-writes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = (text: string) => new TextEncoder().encode(text);

describe('OrderedWrites: checkpoint writes off the thread, landing in the order asked', () => {
  it('lands every write of one path in order (the last wins) and runs tasks after the writes before them', async () => {
    const writes = new OrderedWrites();
    const path = join(dir, 'e1-g0.ckpt');
    const seen: string[] = [];
    for (let version = 1; version <= 20; version++) {
      writes.write(path, bytes(`version ${version}`));
      // a task queued behind a write sees that write on disk
      writes.then(() => void seen.push(readFileSync(path, 'utf8')));
    }
    await writes.flush();
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `version ${i + 1}`));
    expect(readFileSync(path, 'utf8')).toBe('version 20');
    // no temp file left behind
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('after a failed write lands nothing more, and says so on flush and on the next write', async () => {
    const writes = new OrderedWrites();
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const after = join(dir, 'after.ckpt');
    writes.write(folder, bytes('cannot replace a folder with a file'));
    writes.write(after, bytes('must not land over the gap'));
    await expect(writes.flush()).rejects.toThrow(/EISDIR|EEXIST|ENOTEMPTY|EPERM|illegal operation/);
    expect(readdirSync(dir)).not.toContain('after.ckpt');
    expect(() => writes.write(after, bytes('again'))).toThrow();
  });
});
