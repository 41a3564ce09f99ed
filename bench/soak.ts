/**
 * Soak: train again and again for a fixed time (default ten minutes) on one store — every block of
 * the embedded CNN × 8 heads, 2 epochs, MOP on every core, a fresh run folder each time — sampling
 * RSS, heap, open file descriptors and active handles after every run. After a warm-up (the first
 * fifth of the time, at least one minute when there is time for it) RSS must not grow by more than
 * 5% and no descriptor or handle may be left open. Writes bench/results/soak.json.
 *
 *   npm run build && node --expose-gc dist/bench/soak.js [--seconds 600]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadBackbone } from '../src/backbone/load-backbone.js';
import { selectLayers } from '../src/backbone/select-layers.js';
import { openDataset } from '../src/data/open-dataset.js';
import { extract } from '../src/extract/extract.js';
import { train } from '../src/train/mop/train.js';
import { describeMachine } from './harness/machine.js';
import { writeResults } from './harness/results-file.js';
import { judgeSoak, sample, type SoakSample } from './harness/soak-samples.js';
import { benchWorkload } from './harness/workload.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '600' } } });
const duration = Number(values.seconds);
if (!(duration > 0)) throw new Error(`--seconds must be a positive number, got ${values.seconds}`);
const warmupSeconds = Math.min(Math.max(duration / 5, 60), duration / 2);
const RECORDS = 4000;

const machine = describeMachine();
const dir = mkdtempSync(join(tmpdir(), 'layerlab-soak-'));
try {
  const backbone = await loadBackbone('builtin:shapes-cnn');
  const dataset = await openDataset('builtin:shapes', { count: RECORDS });
  const storeDir = join(dir, 'store');
  const extracted = await extract({
    backbone,
    dataset,
    points: selectLayers(backbone.points, ['blocks']),
    pooling: 'mean',
    preprocess: backbone.resolvePreprocess({}),
    storeDir,
    sink: () => {},
  });
  const { heads, seed } = benchWorkload(false);
  const job = {
    storeDir,
    featureSets: extracted.featureSets.map(({ key, layer }) => ({ key, layer })),
    heads,
    epochs: 2,
    workers: availableParallelism(),
    seed,
  };
  const samples: SoakSample[] = [];
  const began = performance.now();
  const elapsed = () => (performance.now() - began) / 1000;
  let iteration = 0;
  while (elapsed() < duration) {
    const runDir = join(dir, `run-${iteration}`);
    await train(job, { runDir, sink: () => {} });
    rmSync(runDir, { recursive: true, force: true });
    iteration++;
    samples.push(await sample(elapsed(), iteration));
  }
  const verdict = judgeSoak(samples, warmupSeconds);
  const body = {
    setup: {
      seconds: duration,
      iterations: iteration,
      models: job.featureSets.length * heads.length,
      epochsPerRun: job.epochs,
      workers: job.workers,
      records: RECORDS,
      gcBeforeSamples: typeof (globalThis as { gc?: unknown }).gc === 'function',
    },
    machine,
    verdict,
    samples,
  };
  const path = writeResults(duration >= 600 ? 'soak' : `soak-${duration}s`, false, body);
  console.log(JSON.stringify({ resultsFile: path, iterations: iteration, verdict }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
