import { describe, expect, it } from 'vitest';
import { shapeLabelsOf, shapeLabelSets } from '../../datasets/shapes.js';
import { shapeGroupTasks } from '../../datasets/shapes-groups.js';
import { demoDatasetSeed } from '../../src/data/builtin-shapes.js';
import { openGroupedShapes } from '../../src/data/builtin-groups.js';
import { openDataset } from '../../src/data/open-dataset.js';

describe('builtin:shapes-groups (four groups, four different two-class tasks)', () => {
  const source = openGroupedShapes('builtin:shapes-groups');

  it('has four groups of 600 records, each with both its classes in every split', () => {
    expect(source.size).toBe(2400);
    expect(source.classNames).toHaveLength(8);
    expect(source.groupRule).toEqual({ method: 'column', column: 'task' });
    for (const [g, task] of shapeGroupTasks.entries()) {
      const rows = source.groups!.flatMap((name, i) => (name === task.group ? [i] : []));
      expect(rows).toHaveLength(600);
      for (const split of [0, 1, 2])
        expect(new Set(rows.filter((i) => source.split[i] === split).map((i) => source.labels[i]))).toEqual(
          new Set([2 * g, 2 * g + 1]),
        );
    }
  });

  it("labels each record by its group's own attribute of the image it renders", async () => {
    const { groupedShapeRecords } = await import('../../datasets/shapes-groups.js');
    const { source: images } = groupedShapeRecords(demoDatasetSeed, 40);
    for (let j = 0; j < 40; j++) {
      const task = shapeGroupTasks[j % 4]!;
      const attribute =
        shapeLabelSets[task.labelSet][shapeLabelsOf(demoDatasetSeed, images[j]!)[task.labelSet]];
      expect(source.classNames[source.labels[j]!]).toBe(attribute);
    }
    expect(new Set(images).size).toBe(40); // no image in two records
  });

  it('is deterministic and opens through the builtin: ref', async () => {
    const again = await openDataset('builtin:shapes-groups');
    expect(again.digest).toBe(source.digest);
    expect(again.groups).toEqual(source.groups);
    const a = await source.readBatch(0, 3);
    const b = await again.readBatch(0, 3);
    expect(a).toEqual(b);
  });
});
