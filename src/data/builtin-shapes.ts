import {
  IMAGE_SIZE,
  isShapeLabelSet,
  renderShapeRecord,
  SHAPE_IMAGE_BYTES,
  shapeLabelSetNames,
  shapeLabelSets,
  shapeLabelsOf,
  SHAPES_GENERATOR_VERSION,
  type ShapeLabelSet,
} from '../../datasets/shapes.js';
import { notFound } from '../core/errors.js';
import { digestOf } from '../core/hash.js';
import type { ImageDataset } from './image-dataset.js';
import { writeChw } from './image-tensor.js';
import { defaultSplitFractions, stratifiedSplit } from './split.js';

/**
 * The demo's target task. Chosen with models/probe-layers.ts: on the embedded CNN a middle block's
 * features predict texture best, while the shape-trained last block has become texture-invariant.
 */
export const demoLabelSet: ShapeLabelSet = 'texture';

/** A seed the embedded CNN never trained on (it used models/shapes-cnn-build.ts's dataSeed). */
export const demoDatasetSeed = 4242;

/** Big enough for stable layer rankings, small enough to extract and train in seconds. */
export const demoRecordCount = 4000;

export interface BuiltinDatasetOptions {
  /** @default demoDatasetSeed */
  seed?: number;
  /** @default demoRecordCount */
  count?: number;
}

const imageShape = { channels: 3, height: IMAGE_SIZE, width: IMAGE_SIZE };

/** A built-in shapes dataset; `seed` is what its records are rendered from. */
export interface ShapesDataset extends ImageDataset {
  labelSet: ShapeLabelSet;
  seed: number;
}

/** `shapes` (the demo task) and `shapes-<label set>` for every label set. */
export function builtinDatasetNames(): string[] {
  return ['shapes', ...shapeLabelSetNames.map((set) => `shapes-${set}`)];
}

function labelSetOf(name: string): ShapeLabelSet | undefined {
  if (name === 'shapes') return demoLabelSet;
  const suffix = name.startsWith('shapes-') ? name.slice('shapes-'.length) : '';
  return isShapeLabelSet(suffix) ? suffix : undefined;
}

/**
 * A built-in synthetic dataset by name (the part after `builtin:`). Records are rendered on demand
 * from (seed, index), so building one costs only its labels.
 * @example builtinDataset('shapes-colour').renderBatch([0, 1, 2]) // 3×3×32×32 floats
 */
export function builtinDataset(name: string, options: BuiltinDatasetOptions = {}): ShapesDataset {
  const labelSet = labelSetOf(name);
  if (!labelSet) {
    throw notFound(
      `no built-in dataset '${name}'; built-in datasets are: ${builtinDatasetNames().join(', ')}`,
    );
  }
  const seed = options.seed ?? demoDatasetSeed;
  const count = options.count ?? demoRecordCount;
  if (!Number.isInteger(count) || count <= 0) throw new RangeError(`record count must be a positive integer`);
  const labels = Int32Array.from({ length: count }, (_v, i) => shapeLabelsOf(seed, i)[labelSet]);
  const split = stratifiedSplit(labels, seed, defaultSplitFractions);
  const digest = digestOf({
    generator: 'shapes',
    version: SHAPES_GENERATOR_VERSION,
    seed,
    count,
    labelSet,
    split: { method: 'stratified', ...defaultSplitFractions },
  });
  const checkIndex = (index: number) => {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(`record ${index} is outside 0..${count - 1}`);
    }
  };
  return {
    name,
    labelSet,
    seed,
    classNames: shapeLabelSets[labelSet],
    count,
    digest,
    labels,
    split,
    ids: Array.from({ length: count }, (_v, i) => String(i)),
    imageShape,
    renderPixels(indices) {
      const out = new Uint8Array(indices.length * SHAPE_IMAGE_BYTES);
      for (let b = 0; b < indices.length; b++) {
        checkIndex(indices[b]!);
        renderShapeRecord(
          seed,
          indices[b]!,
          out.subarray(b * SHAPE_IMAGE_BYTES, (b + 1) * SHAPE_IMAGE_BYTES),
        );
      }
      return out;
    },
    renderBatch(indices) {
      const pixels = new Uint8Array(SHAPE_IMAGE_BYTES);
      const out = new Float32Array(indices.length * SHAPE_IMAGE_BYTES);
      for (let b = 0; b < indices.length; b++) {
        checkIndex(indices[b]!);
        renderShapeRecord(seed, indices[b]!, pixels);
        writeChw(pixels, out, b * SHAPE_IMAGE_BYTES, imageShape);
      }
      return out;
    },
  };
}
