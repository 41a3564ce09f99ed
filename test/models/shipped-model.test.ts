import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shapeLabelSets, sourceLabelSet } from '../../datasets/shapes.js';
import { readModel } from '../../src/core/onnx/index.js';
import { evaluateAccuracy } from '../../models/evaluate-classifier.js';
import { defaultModelPath } from '../../models/repo-paths.js';
import { renderRecords } from '../../models/shapes-batches.js';

const bytes = readFileSync(defaultModelPath);

describe('models/shapes-cnn.onnx', () => {
  it('takes `image` [N, 3, 32, 32] and gives `logits` [N, 6], with readable layer names', () => {
    const { graph } = readModel(bytes);
    expect(graph.inputs).toEqual([{ name: 'image', elemType: 1, shape: ['N', 3, 32, 32] }]);
    expect(graph.outputs).toEqual([{ name: 'logits', elemType: 1, shape: ['N', 6] }]);
    const tensors = graph.nodes.flatMap((n) => n.outputs);
    for (const block of [1, 2, 3, 4]) expect(tensors).toContain(`block${block}/relu`);
    expect(tensors).toContain('pool');
  });

  it('classifies the source task on images it never saw', async () => {
    // A seed used neither for pre-training nor for the demo datasets.
    const fresh = renderRecords(99_001, 0, 500, sourceLabelSet);
    const accuracy = await evaluateAccuracy(bytes, fresh, shapeLabelSets[sourceLabelSet].length);
    expect(accuracy).toBeGreaterThan(0.9);
  });
});
