import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../../src/data/open-dataset.js';
import { tempDir, writeImages } from './write-datasets.js';

/*
 * The folder scan stats only entries that are links (a regular file is never a folder): linked
 * class folders and linked images must still be found, and a link back up still refused.
 */
describe('image folder links', () => {
  it('reads a class folder and an image reached through links', async () => {
    const elsewhere = tempDir();
    await writeImages(elsewhere, { 'birds/a.png': 1, 'loose/b.png': 2 });
    const root = tempDir();
    await writeImages(root, { 'cat/c.png': 3 });
    symlinkSync(join(elsewhere, 'birds'), join(root, 'bird'));
    symlinkSync(join(elsewhere, 'loose', 'b.png'), join(root, 'cat', 'd.png'));
    const data = await openDataset(root);
    expect(data.ids).toEqual(['bird/a.png', 'cat/c.png', 'cat/d.png']);
    expect(data.classNames).toEqual(['bird', 'cat']);
  });

  it('refuses a folder link back to a folder above it', async () => {
    const root = tempDir();
    await writeImages(root, { 'cat/c.png': 3 });
    mkdirSync(join(root, 'dog'));
    symlinkSync(root, join(root, 'dog', 'loop'));
    await expect(openDataset(root)).rejects.toThrow(/links back to a folder that contains it/);
  });
});
