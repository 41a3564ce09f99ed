import { describe, expect, it } from 'vitest';
import {
  renderShapeRecord,
  SHAPE_IMAGE_BYTES,
  shapeLabelSetNames,
  shapeLabelSets,
  shapeLabelsOf,
} from '../../datasets/shapes.js';
import { sha256 } from '../../src/core/hash.js';

const render = (seed: number, indices: number[]) => indices.map((i) => renderShapeRecord(seed, i));

describe('shapes generator', () => {
  it('renders the same pixels and labels from the same seed', () => {
    const a = render(5, [0, 1, 2, 3]);
    const b = render(5, [0, 1, 2, 3]);
    expect(a).toEqual(b);
    expect(a[0]!.pixels.length).toBe(SHAPE_IMAGE_BYTES);
  });

  it('renders different images from a different seed', () => {
    const a = render(5, [0, 1, 2]);
    const b = render(6, [0, 1, 2]);
    a.forEach((record, i) =>
      expect(Buffer.from(record.pixels).equals(Buffer.from(b[i]!.pixels))).toBe(false),
    );
  });

  it('renders a record the same whether alone, out of order, or into a reused buffer', () => {
    const inOrder = render(9, [0, 1, 2, 3, 4, 5, 6, 7]);
    const buffer = new Uint8Array(SHAPE_IMAGE_BYTES);
    for (const i of [7, 3, 0, 5, 1, 6, 2, 4]) {
      const record = renderShapeRecord(9, i, buffer);
      expect(record.pixels).toEqual(inOrder[i]!.pixels);
      expect(record.labels).toEqual(inOrder[i]!.labels);
      expect(shapeLabelsOf(9, i)).toEqual(inOrder[i]!.labels);
    }
  });

  it('draws every class of every label set in roughly equal numbers', () => {
    const count = 3000;
    const labels = Array.from({ length: count }, (_v, i) => shapeLabelsOf(11, i));
    for (const set of shapeLabelSetNames) {
      const classes = shapeLabelSets[set].length;
      const counts = new Array<number>(classes).fill(0);
      for (const l of labels) counts[l[set]]!++;
      for (const c of counts)
        expect(Math.abs(c - count / classes), set).toBeLessThan(0.2 * (count / classes));
    }
  });

  it('keeps its pixels unless SHAPES_GENERATOR_VERSION is bumped', () => {
    // If this fails after an intended change to the images, bump the version and update the hash.
    const pixels = render(1, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).map((r) => r.pixels);
    expect(sha256(...pixels).slice(0, 16)).toBe('92d169c814065eda');
  });
});
