/**
 * Builds models/shapes-cnn.onnx: renders the synthetic shapes data, trains the CNN with ONNX Runtime
 * (forward, hand-derived backward and Adam in one ONNX graph per step), and writes the inference model.
 * Deterministic: the same script on the same machine writes the same bytes.
 *
 *   npm run build:model                                  # the shipped model (a few minutes)
 *   node dist/models/build-shapes-cnn.js --quick --out /tmp/quick.onnx   # a few steps, seconds
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sha256 } from '../src/core/hash.js';
import { defaultModelPath } from './repo-paths.js';
import { buildShapesCnn, fullBuild, quickBuild, type BuildSettings } from './shapes-cnn-build.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: defaultModelPath },
    'max-steps': { type: 'string' },
  },
});

const base = values.quick ? quickBuild : fullBuild;
const maxSteps = values['max-steps'] === undefined ? base.train.maxSteps : Number(values['max-steps']);
const settings: BuildSettings = {
  ...base,
  train: { ...base.train, ...(maxSteps === undefined ? {} : { maxSteps }) },
};

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const result = await buildShapesCnn(settings, (log) =>
  console.log(
    `epoch ${log.epoch}  step ${log.steps}  loss ${log.loss.toFixed(4)}  train acc ${(100 * log.accuracy).toFixed(1)}%  ${seconds()}s`,
  ),
);
writeFileSync(values.out, result.bytes);
console.log(`source-task val accuracy ${(100 * result.valAccuracy).toFixed(1)}%`);
console.log(
  `wrote ${values.out} (${result.bytes.length} bytes, sha256 ${sha256(result.bytes)}) in ${seconds()}s`,
);
