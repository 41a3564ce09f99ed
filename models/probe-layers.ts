/**
 * Evidence for the demo's choice of target task: how well each block's pooled features of the
 * pre-trained CNN predict each label set, by a linear probe on standardized features.
 *
 *   node dist/models/probe-layers.js [--model models/shapes-cnn.onnx] [--records 4000] [--seed N]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { shapeLabelSetNames, shapeLabelSets, shapeLabelsOf } from '../datasets/shapes.js';
import { demoDatasetSeed } from '../src/data/builtin-shapes.js';
import { Split, stratifiedSplit } from '../src/data/split.js';
import { shapesCnnArchitecture } from './cnn-architecture.js';
import { captureGapFeatures, type LayerFeatures } from './probe-capture.js';
import { accuracy, defaultProbe, standardize, trainLogistic, type LabelledRows } from './probe-logistic.js';
import { defaultModelPath } from './repo-paths.js';
import { renderRecords } from './shapes-batches.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: defaultModelPath },
    records: { type: 'string', default: '4000' },
    seed: { type: 'string', default: String(demoDatasetSeed) },
  },
});
const seed = Number(values.seed);
const count = Number(values.records);

const records = renderRecords(seed, 0, count, 'shape');
const layers = [
  { name: 'image', channels: 3 },
  ...shapesCnnArchitecture.channels.map((channels, i) => ({ name: `block${i + 1}/relu`, channels })),
];
const features = await captureGapFeatures(readFileSync(values.model), layers, records);

function rowsOf(f: LayerFeatures, labels: Int32Array, split: Uint8Array, which: Split): LabelledRows {
  const picked = [...split.keys()].filter((i) => split[i] === which);
  const x = new Float32Array(picked.length * f.dims);
  picked.forEach((index, r) => x.set(f.data.subarray(index * f.dims, (index + 1) * f.dims), r * f.dims));
  return { dims: f.dims, x, y: Int32Array.from(picked, (i) => labels[i]!) };
}

const percent = (v: number) => (100 * v).toFixed(1).padStart(6);
console.log(`val accuracy (%) of a linear probe on GAP features, ${count} records, seed ${seed}`);
console.log(['target'.padEnd(10), 'chance', ...layers.map((l) => l.name.padStart(12))].join(' '));
for (const target of shapeLabelSetNames) {
  const classes = shapeLabelSets[target].length;
  const labels = Int32Array.from({ length: count }, (_v, i) => shapeLabelsOf(seed, i)[target]);
  const split = stratifiedSplit(labels, seed);
  const cells = features.map((f) => {
    const train = rowsOf(f, labels, split, Split.train);
    const val = rowsOf(f, labels, split, Split.val);
    standardize(train, val);
    return accuracy(trainLogistic(train, { ...defaultProbe, classes }), val, classes);
  });
  console.log(
    [target.padEnd(10), percent(1 / classes), ...cells.map((c) => percent(c).padStart(12))].join(' '),
  );
}
