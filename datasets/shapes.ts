/**
 * A seeded generator of 32×32 RGB images of one coloured, textured shape on a noisy background.
 * Record i is rendered from (seed, i) alone, so records can be produced in any order, in parallel,
 * or one at a time, and always come out the same.
 */
import { Rng } from '../src/core/random.js';
import type { ShapeLabels } from './shapes-classes.js';
import { drawScene } from './shapes-draw.js';
import { IMAGE_SIZE, sampleLabels, sampleScene } from './shapes-scene.js';

export { shapeLabelSets, shapeLabelSetNames, sourceLabelSet, isShapeLabelSet } from './shapes-classes.js';
export type { ShapeLabelSet, ShapeLabels } from './shapes-classes.js';
export { IMAGE_SIZE } from './shapes-scene.js';

/** Bump whenever a change alters any pixel or label, so dataset digests change with it. */
export const SHAPES_GENERATOR_VERSION = 1;

/** Bytes of one image (HWC, RGB). */
export const SHAPE_IMAGE_BYTES = IMAGE_SIZE * IMAGE_SIZE * 3;

const recordRng = (seed: number, index: number) => Rng.derive(seed, `shapes/${index}`);

export interface ShapeRecord {
  /** HWC, RGB, uint8 */
  pixels: Uint8Array;
  labels: ShapeLabels;
}

/** Renders record `index` of the dataset with this seed, into `pixels` when given. */
export function renderShapeRecord(
  seed: number,
  index: number,
  pixels: Uint8Array = new Uint8Array(SHAPE_IMAGE_BYTES),
): ShapeRecord {
  if (pixels.length < SHAPE_IMAGE_BYTES)
    throw new RangeError(`need ${SHAPE_IMAGE_BYTES} bytes for one image`);
  const rng = recordRng(seed, index);
  const scene = sampleScene(rng);
  drawScene(scene, rng, pixels);
  return { pixels, labels: scene.labels };
}

/** The labels of record `index` without drawing it (they are the first draws of its stream). */
export function shapeLabelsOf(seed: number, index: number): ShapeLabels {
  return sampleLabels(recordRng(seed, index));
}
