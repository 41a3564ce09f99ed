import {
  groupedShapeRecords,
  SHAPE_GROUPS_VERSION,
  shapeGroupClassNames,
  shapeGroupTasks,
} from '../../datasets/shapes-groups.js';
import {
  IMAGE_SIZE,
  renderShapeRecord,
  SHAPE_IMAGE_BYTES,
  SHAPES_GENERATOR_VERSION,
} from '../../datasets/shapes.js';
import { digestOf } from '../core/hash.js';
import type { DataSource } from './data-source.js';
import { demoDatasetSeed } from './builtin-shapes.js';
import type { OpenDatasetOptions } from './open-options.js';
import { defaultSplitFractions, stratifiedSplit } from './split.js';

/** Built-in datasets with data groups (`train --groups`). */
export const builtinGroupedDatasetNames = ['shapes-groups'];

/** 600 records per group: enough for stable per-group layer rankings, quick to extract. */
export const shapeGroupsRecordCount = 2400;

/**
 * `builtin:shapes-groups` as a data source: four groups with four different two-class tasks on the
 * shapes images (datasets/shapes-groups.ts); each record's group is its `task` column.
 */
export function openGroupedShapes(ref: string, options: OpenDatasetOptions = {}): DataSource {
  const seed = demoDatasetSeed;
  const count = options.count ?? shapeGroupsRecordCount;
  const { source, group, label } = groupedShapeRecords(seed, count);
  // stratified by (group, class), so every group has validation and test records of both classes
  const split = stratifiedSplit(label, seed, defaultSplitFractions);
  const digest = digestOf({
    generator: 'shapes-groups',
    version: SHAPE_GROUPS_VERSION,
    shapes: SHAPES_GENERATOR_VERSION,
    seed,
    count,
    split: { method: 'stratified', ...defaultSplitFractions },
  });
  const render = (indices: readonly number[]) => {
    const pixels = new Uint8Array(indices.length * SHAPE_IMAGE_BYTES);
    indices.forEach((j, b) =>
      renderShapeRecord(
        seed,
        source[j]!,
        pixels.subarray(b * SHAPE_IMAGE_BYTES, (b + 1) * SHAPE_IMAGE_BYTES),
      ),
    );
    return Promise.resolve({
      kind: 'image' as const,
      count: indices.length,
      height: IMAGE_SIZE,
      width: IMAGE_SIZE,
      channels: 3,
      pixels,
    });
  };
  return {
    ref,
    name: 'shapes-groups',
    modality: 'image',
    digest,
    size: count,
    classNames: [...shapeGroupClassNames],
    labels: label,
    split,
    ids: Array.from({ length: count }, (_, j) => String(j)),
    splitRule: {
      method: 'stratified',
      seed,
      train: defaultSplitFractions.train,
      val: defaultSplitFractions.val,
    },
    groups: Array.from(group, (g) => shapeGroupTasks[g]!.group),
    groupRule: { method: 'column', column: 'task' },
    readBatch: (start, n) => render(Array.from({ length: n }, (_, i) => start + i)),
    readRecords: render,
  };
}
