/**
 * What a cached re-run costs against the first extraction, in one run: open the dataset and extract
 * every block of the embedded CNN into a fresh store (timed), then do the same again (timed): the
 * second finds every feature set stored and computes nothing. Both include opening the dataset
 * (digests; the second run's come from the stat-keyed cache). Target: ratio ≤ 0.02.
 * Also times the same two runs as whole CLI processes (Node start, model load included).
 * Run: npm run build && node dist/bench/extract-cache.js
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadBackbone } from '../src/backbone/load-backbone.js';
import { selectLayers } from '../src/backbone/select-layers.js';
import { openDataset } from '../src/data/open-dataset.js';
import { extract } from '../src/extract/extract.js';
import { benchData, recordResult, round, scratch } from './extract-common.js';

const MODEL = 'builtin:shapes-cnn';

async function timedExtract(storeDir: string, cacheDir: string) {
  const data = benchData(20_000);
  const backbone = await loadBackbone(MODEL);
  const started = performance.now();
  const dataset = await openDataset(data.ref, { cacheDir, ...(data.count ? { count: data.count } : {}) });
  const result = await extract({
    backbone,
    dataset,
    points: selectLayers(backbone.points, ['blocks']),
    pooling: 'mean',
    preprocess: backbone.resolvePreprocess(data.resize ? { resize: data.resize } : {}),
    storeDir,
    sink: () => {},
  });
  const seconds = (performance.now() - started) / 1000;
  await dataset.close?.();
  return { seconds, cached: result.cached, records: dataset.size, layers: result.featureSets.length };
}

function timedCli(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [join(import.meta.dirname, '..', '..', 'bin', 'layerlab.js'), ...args],
    {
      stdio: 'ignore',
    },
  );
  if (run.status !== 0) throw new Error(`layerlab ${args.join(' ')} exited ${run.status}`);
  return (performance.now() - started) / 1000;
}

const cacheDir = scratch('layerlab-bench-cache-');
const storeDir = join(scratch('layerlab-bench-store-'), 'store');
const first = await timedExtract(storeDir, cacheDir);
const second = await timedExtract(storeDir, cacheDir);
if (first.cached || !second.cached) throw new Error('expected a computing first run and a cached second run');

const data = benchData(20_000);
const home = scratch('layerlab-bench-home-');
const cliArgs = [
  '--home',
  home,
  'extract',
  MODEL,
  data.ref,
  ...(data.resize ? ['--resize', data.resize.join(',')] : []),
];
const cliFirst = timedCli(cliArgs);
const cliSecond = timedCli(cliArgs);

recordResult('extract-cache', {
  setup: { model: MODEL, data: data.ref, records: first.records, layers: first.layers },
  inProcess: {
    firstSeconds: round(first.seconds),
    cachedSeconds: round(second.seconds),
    ratio: round(second.seconds / first.seconds, 4),
  },
  cli: {
    firstSeconds: round(cliFirst),
    cachedSeconds: round(cliSecond),
    ratio: round(cliSecond / cliFirst, 4),
  },
  target: 'inProcess.ratio <= 0.02',
});
