/**
 * Writes the TF.js fixtures behind `builtin:tiny-tfjs` and `builtin:tiny-tfjs-graph`: a tiny CNN
 * made with tf.sequential and saved as a LayersModel through layerlab's file-system save handler,
 * and the same network (same weights) as a GraphModel. Deterministic; needs @tensorflow/tfjs.
 *
 *   npm run build && node dist/models/build-tiny-tfjs.js [--out DIR]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTfjs } from '../src/backbone/tfjs-runtime.js';
import { repoRoot } from './repo-paths.js';
import { buildTinyTfjsGraph, buildTinyTfjsLayers } from './tiny-tfjs-build.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: join(repoRoot(), 'models') } } });
const { tf } = await loadTfjs();
await buildTinyTfjsLayers(tf, join(values.out, 'tiny-tfjs'));
buildTinyTfjsGraph(join(values.out, 'tiny-tfjs-graph'));
console.log(`wrote ${join(values.out, 'tiny-tfjs')} and ${join(values.out, 'tiny-tfjs-graph')}`);
