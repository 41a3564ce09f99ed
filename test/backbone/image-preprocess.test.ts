import { describe, expect, it } from 'vitest';
import {
  imageInputDims,
  preprocessImages,
  resolveImagePreprocess,
} from '../../src/backbone/image-preprocess.js';
import type { ImageBatch } from '../../src/data/record-batch.js';

// One 1×2 RGB image: pixel 0 = (10, 20, 30), pixel 1 = (40, 50, 60).
const batch: ImageBatch = {
  kind: 'image',
  count: 1,
  height: 1,
  width: 2,
  channels: 3,
  pixels: Uint8Array.from([10, 20, 30, 40, 50, 60]),
};

describe('image preprocessing', () => {
  it('infers layout, size and channels from the model input', () => {
    expect(resolveImagePreprocess(['N', 3, 32, 32])).toMatchObject({
      layout: 'nchw',
      resize: [32, 32],
      channels: 'rgb',
      scale: 1 / 255,
    });
    expect(resolveImagePreprocess(['N', 28, 28, 1])).toMatchObject({
      layout: 'nhwc',
      resize: [28, 28],
      channels: 'gray',
    });
    expect(() => resolveImagePreprocess(['N', 3, 'H', 'W'])).toThrow(/--resize/);
    expect(() => resolveImagePreprocess(['N', 5, 5, 5])).toThrow(/--layout/);
    expect(() => resolveImagePreprocess(['N', 3, 8, 8], { mean: [0.5] })).toThrow(/--mean needs 3 values/);
  });

  it('writes NCHW planes with scale and per-channel normalisation', () => {
    const spec = resolveImagePreprocess(['N', 3, 1, 2], { scale: 1, mean: [10, 20, 30], std: [2, 5, 10] });
    expect(Array.from(preprocessImages(batch, spec))).toEqual([0, 15, 0, 6, 0, 3]);
    expect(imageInputDims(spec, 4)).toEqual([4, 3, 1, 2]);
  });

  it('writes NHWC, BGR and gray as asked', () => {
    const bgr = resolveImagePreprocess(['N', 1, 2, 3], { scale: 1, channels: 'bgr', layout: 'nhwc' });
    expect(Array.from(preprocessImages(batch, bgr))).toEqual([30, 20, 10, 60, 50, 40]);
    const gray = resolveImagePreprocess(['N', 1, 1, 2], { scale: 1 });
    const expected = [0.299 * 10 + 0.587 * 20 + 0.114 * 30, 0.299 * 40 + 0.587 * 50 + 0.114 * 60];
    Array.from(preprocessImages(batch, gray)).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
  });

  it('resizes bilinearly with half-pixel centres when sizes differ', () => {
    // 1x2 -> 1x4: output x samples source x at -0.25, 0.25, 0.75, 1.25 (clamped to 0..1).
    const spec = resolveImagePreprocess(['N', 3, 1, 4], { scale: 1 });
    const red = Array.from(preprocessImages(batch, spec)).slice(0, 4);
    expect(red).toEqual([10, 17.5, 32.5, 40]);
    const same = resolveImagePreprocess(['N', 3, 1, 2], { scale: 1 });
    expect(Array.from(preprocessImages(batch, same)).slice(0, 2)).toEqual([10, 40]);
  });
});
