/**
 * The grouped variant of the shapes dataset (`builtin:shapes-groups`), for grouped learning
 * (`train --groups`): four groups of images with four different tasks. Every image carries every
 * label set (shape, colour, texture, size…); a group's records are labelled by its own label set, two
 * classes each, so the same picture would be labelled differently in each group. A head per group
 * learns its group's task; one shared head over the eight classes cannot tell which attribute a
 * record is labelled by. The groups' tasks live in different layers of the embedded CNN (it was
 * trained on shape, so its last block keeps shape and drops colour), so the best layer differs between
 * groups. Deterministic: record j is the generator's record `source[j]`, chosen by (seed, j) alone.
 */
import { shapeLabelSets, shapeLabelsOf, type ShapeLabelSet } from './shapes.js';

export interface ShapeGroupTask {
  group: string;
  labelSet: ShapeLabelSet;
  /** the two classes of the group's label set it keeps */
  classes: readonly [string, string];
}

export const shapeGroupTasks: readonly ShapeGroupTask[] = [
  { group: 'shape', labelSet: 'shape', classes: ['circle', 'square'] },
  { group: 'colour', labelSet: 'colour', classes: ['red', 'blue'] },
  { group: 'texture', labelSet: 'texture', classes: ['solid', 'checker'] },
  { group: 'size', labelSet: 'size', classes: ['small', 'large'] },
];

/** Bump whenever a change alters which records, labels or groups the dataset has. */
export const SHAPE_GROUPS_VERSION = 1;

/** The eight class names: every group's pair, in group order. */
export const shapeGroupClassNames: readonly string[] = shapeGroupTasks.flatMap((t) => t.classes);

export interface GroupedShapeRecords {
  /** per record, the shapes generator's record index it renders */
  source: Int32Array;
  /** per record, its group (index into shapeGroupTasks) */
  group: Int32Array;
  /** per record, its class (index into shapeGroupClassNames) */
  label: Int32Array;
}

/**
 * Record j belongs to group j mod 4; it is the next generator record (among those ≡ group mod 4, so
 * groups never share an image) whose label in the group's label set is one of the group's two classes.
 */
export function groupedShapeRecords(seed: number, count: number): GroupedShapeRecords {
  const groups = shapeGroupTasks.length;
  const cursor = new Int32Array(groups);
  const source = new Int32Array(count);
  const group = new Int32Array(count);
  const label = new Int32Array(count);
  for (let j = 0; j < count; j++) {
    const g = j % groups;
    const task = shapeGroupTasks[g]!;
    const names: readonly string[] = shapeLabelSets[task.labelSet];
    for (;;) {
      const i = cursor[g]! * groups + g;
      cursor[g]!++;
      const name = names[shapeLabelsOf(seed, i)[task.labelSet]]!;
      const pick = task.classes.indexOf(name);
      if (pick < 0) continue;
      source[j] = i;
      group[j] = g;
      label[j] = 2 * g + pick;
      break;
    }
  }
  return { source, group, label };
}
