import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../../src/data/open-dataset.js';
import { Split } from '../../src/data/split.js';
import { randomPng, tempDir, writeImages } from './write-datasets.js';

describe('image folder reader', () => {
  it('orders records by class folder then file name, ids relative to the root', async () => {
    const root = tempDir();
    await writeImages(root, {
      'dog/b.png': 1,
      'cat/z.png': 2,
      'cat/a.png': 3,
      'dog/sub/c.png': 4,
      'cat/notes.txt': 'x',
    });
    writeFileSync(join(root, 'stray.png'), await randomPng(9));
    const data = await openDataset(root);
    expect(data.ids).toEqual(['cat/a.png', 'cat/z.png', 'dog/b.png', 'dog/sub/c.png']);
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(data.labels)).toEqual([0, 0, 1, 1]);
    expect(data.skipped).toEqual([{ id: 'stray.png', reason: 'not inside a class folder' }]);
    const batch = await data.readRecords!([2]);
    const expected = await sharp(await randomPng(1))
      .raw()
      .toBuffer();
    expect(batch.kind === 'image' && Array.from(batch.pixels)).toEqual(Array.from(expected));
  });

  it('resizes images of another size to the requested one and lists files that fail to decode', async () => {
    const root = tempDir();
    await writeImages(root, { 'a/small.png': 1, 'b/broken.png': 'definitely not a png' });
    const big = await randomPng(2, 12, 10);
    writeFileSync(join(root, 'a', 'big.png'), big);
    const data = await openDataset(root);
    const batch = await data.readRecords!([0, 1, 2], { imageSize: [8, 8] });
    if (batch.kind !== 'image') throw new Error('expected images');
    expect([batch.count, batch.height, batch.width, batch.channels]).toEqual([3, 8, 8, 3]);
    expect(batch.failed).toEqual([expect.objectContaining({ position: 2, id: 'b/broken.png' })]);
    expect(Array.from(batch.pixels.subarray(2 * 192)).every((v) => v === 0)).toBe(true);
    // Without a target size, differently sized images cannot share a batch.
    await expect(data.readRecords!([0, 1])).rejects.toMatchObject({ exitCode: 65 });
  });

  it('reads a root laid out by split (train/, test/) keeping each file split, train giving part to val', async () => {
    const root = tempDir();
    const files: Record<string, number> = {};
    for (let i = 0; i < 20; i++) files[`train/${i % 2 ? 'cat' : 'dog'}/${i}.png`] = i;
    for (let i = 0; i < 4; i++) files[`test/cat/${i}.png`] = 100 + i;
    await writeImages(root, files);
    const data = await openDataset(root, { seed: 1 });
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect(data.ids.at(0)).toBe('test/cat/0.png');
    const splits = Array.from(data.split);
    expect(splits.slice(0, 4)).toEqual([Split.test, Split.test, Split.test, Split.test]);
    expect(splits.slice(4).every((s) => s === Split.train || s === Split.val)).toBe(true);
    expect(splits.slice(4).some((s) => s === Split.val)).toBe(true);
  });

  it('keeps every existing record hash and split when files are added, and changes the digest', async () => {
    const root = tempDir();
    const cacheDir = tempDir();
    await writeImages(root, { 'a/1.png': 1, 'a/3.png': 3, 'b/1.png': 4 });
    const before = await openDataset(root, { cacheDir });
    await writeImages(root, { 'a/2.png': 2 });
    const after = await openDataset(root, { cacheDir });
    expect(after.ids).toEqual(['a/1.png', 'a/2.png', 'a/3.png', 'b/1.png']);
    expect(after.lineage).toBe(before.lineage);
    expect(after.digest).not.toBe(before.digest);
    const hashOf = (d: typeof after, id: string) => d.recordHashes!.at(d.ids.indexOf(id));
    for (const id of before.ids) expect(hashOf(after, id)).toBe(hashOf(before, id));
  });
});
