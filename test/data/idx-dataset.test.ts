import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../../src/data/open-dataset.js';
import { Split } from '../../src/data/split.js';
import { randomIdx, tempDir, writeIdxPair } from './write-datasets.js';

describe('IDX reader', () => {
  it('reads gzipped and plain IDX pairs in file order with MNIST ids and digit class names', async () => {
    const dir = tempDir();
    const train = randomIdx(30, 1);
    const test = randomIdx(10, 2);
    writeIdxPair(dir, 'train', train, { gz: true });
    writeIdxPair(dir, 't10k', test);
    const data = await openDataset(dir, { seed: 5 });
    expect(data.size).toBe(40);
    expect(data.name).toBe(dir.split('/').pop());
    // t10k sorts before train: file order.
    expect(data.ids.at(0)).toBe('t10k-images-idx3-ubyte:0');
    expect(data.ids.at(10)).toBe('train-images-idx3-ubyte.gz:0');
    expect(data.classNames).toEqual(['0', '1', '2']);
    expect(Array.from(data.labels.subarray(10, 15))).toEqual(Array.from(train.labels.subarray(0, 5)));
    // The t10k file is the test split; train divides into train and val.
    expect(Array.from(data.split.subarray(0, 10)).every((s) => s === Split.test)).toBe(true);
    expect(Array.from(data.split.subarray(10)).every((s) => s !== Split.test)).toBe(true);
    expect(data.splitRule).toMatchObject({ method: 'files', test: ['t10k-images-idx3-ubyte'] });
    // Scattered and backward reads through the gzip cursor.
    const batch = await data.readRecords!([39, 11, 12, 3]);
    expect(batch.kind).toBe('image');
    if (batch.kind !== 'image') return;
    expect([batch.height, batch.width, batch.channels]).toEqual([8, 8, 1]);
    expect(Array.from(batch.pixels.subarray(0, 64))).toEqual(
      Array.from(train.images.subarray(29 * 64, 30 * 64)),
    );
    expect(Array.from(batch.pixels.subarray(64, 192))).toEqual(Array.from(train.images.subarray(64, 192)));
    expect(Array.from(batch.pixels.subarray(192, 256))).toEqual(Array.from(test.images.subarray(192, 256)));
    await data.close?.();
  });

  it('opens one images file with its labels sibling, or an explicit pair; the digest follows content', async () => {
    const dir = tempDir();
    const set = randomIdx(12, 3);
    const { images, labels } = writeIdxPair(dir, 'train', set);
    const one = await openDataset(images);
    const pair = await openDataset(`${images},${labels}`);
    expect(one.size).toBe(12);
    expect(pair.digest).toBe(one.digest);
    expect(one.splitRule?.method).toBe('hash');
    const other = tempDir();
    set.images[0] = (set.images[0]! + 1) % 256;
    writeIdxPair(other, 'train', set);
    expect((await openDataset(join(other, 'train-images-idx3-ubyte'))).digest).not.toBe(one.digest);
  });

  it('caches record hashes by file stamp under the cache folder', async () => {
    const dir = tempDir();
    const cacheDir = tempDir();
    writeIdxPair(dir, 'train', randomIdx(20, 4), { gz: true });
    const first = await openDataset(dir, { cacheDir });
    const second = await openDataset(dir, { cacheDir });
    expect(second.digest).toBe(first.digest);
    expect(second.recordHashes).toEqual(first.recordHashes);
  });

  it('refuses files that are not IDX, naming the fix', async () => {
    const dir = tempDir();
    const { images } = writeIdxPair(dir, 'train', randomIdx(4, 1));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(images, 'not an idx file');
    await expect(openDataset(dir)).rejects.toMatchObject({
      exitCode: 65,
      message: expect.stringMatching(/not an IDX file/) as unknown as string,
    });
  });
});
