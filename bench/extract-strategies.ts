/**
 * One pass vs staged vs lazy for a 6-layer extraction (every block of the embedded CNN), pooled and
 * raw, on the same data in one run; each plan writes its own fresh store and all three must store
 * byte-identical features. Lazy (one pass per layer, each through the model cut at its layer) is the
 * baseline one pass improves on; staged (the model cut into stages at the layers, each run from the
 * previous stage's stored tensor) is the plan for raw features.
 * Run: npm run build && node dist/bench/extract-strategies.js
 */
import { join } from 'node:path';
import type { Pooling } from '../src/backbone/capture-point.js';
import { loadBackbone } from '../src/backbone/load-backbone.js';
import { selectLayers } from '../src/backbone/select-layers.js';
import { openDataset } from '../src/data/open-dataset.js';
import { extract } from '../src/extract/extract.js';
import type { Strategy } from '../src/extract/plan.js';
import { FeatureStore } from '../src/store/feature-store.js';
import { recordResult, round, scratch } from './extract-common.js';

const MODEL = 'builtin:shapes-cnn';
const RECORDS = 8000;

const backbone = await loadBackbone(MODEL);
const points = selectLayers(backbone.points, ['blocks']);

async function run(strategy: Strategy, pooling: Pooling) {
  const dataset = await openDataset('builtin:shapes', { count: RECORDS });
  const storeDir = join(scratch('layerlab-bench-plan-'), 'store');
  const started = performance.now();
  const result = await extract({
    backbone,
    dataset,
    points,
    pooling,
    preprocess: backbone.resolvePreprocess({}),
    storeDir,
    sink: () => {},
    strategy,
    batchSize: 128,
  });
  const seconds = (performance.now() - started) / 1000;
  const store = FeatureStore.open(storeDir, { write: false });
  const digests = result.featureSets.map((s) => store.contentDigest(s.key));
  store.close();
  return {
    seconds,
    digests,
    mode: result.plan.mode,
    peakForecastMiB: round(result.plan.forecast.peakBytes / 2 ** 20, 1),
  };
}

const out: Record<string, unknown> = {};
for (const pooling of ['mean', 'none'] as const) {
  const onePass = await run('one-pass', pooling);
  const staged = await run('staged', pooling);
  const lazy = await run('lazy', pooling);
  const identical = [staged, lazy].every((r) => r.digests.join() === onePass.digests.join());
  out[pooling === 'mean' ? 'pooled' : 'raw'] = {
    seconds: {
      onePass: round(onePass.seconds, 2),
      staged: round(staged.seconds, 2),
      lazy: round(lazy.seconds, 2),
    },
    lazyOverOnePass: round(lazy.seconds / onePass.seconds, 2),
    stagedOverOnePass: round(staged.seconds / onePass.seconds, 2),
    identicalFeatures: identical,
  };
}
recordResult('extract-strategies', {
  setup: {
    model: MODEL,
    data: 'builtin:shapes',
    records: RECORDS,
    layers: points.map((p) => p.name),
    batchSize: 128,
  },
  ...out,
});
