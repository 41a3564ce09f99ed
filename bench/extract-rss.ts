/**
 * Peak RSS of an extraction at N and at 10×N records: memory must stay flat however big the dataset
 * is (bounded read-ahead, batches committed and dropped). Each size runs in a fresh child process
 * that reports its own peak (getrusage maxrss), extracting every block of the embedded CNN from the
 * built-in shapes generator with the same batch size. Target: peak(10N) ≤ 1.2 × peak(N).
 * Run: npm run build && node dist/bench/extract-rss.js [N]
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadBackbone } from '../src/backbone/load-backbone.js';
import { selectLayers } from '../src/backbone/select-layers.js';
import { openDataset } from '../src/data/open-dataset.js';
import { extract } from '../src/extract/extract.js';
import { recordResult, round, scratch } from './extract-common.js';

const MODEL = 'builtin:shapes-cnn';

async function child(records: number): Promise<void> {
  const backbone = await loadBackbone(MODEL);
  const dataset = await openDataset('builtin:shapes', { count: records });
  const started = performance.now();
  await extract({
    backbone,
    dataset,
    points: selectLayers(backbone.points, ['blocks']),
    pooling: 'mean',
    preprocess: backbone.resolvePreprocess({}),
    storeDir: join(scratch('layerlab-bench-rss-'), 'store'),
    sink: () => {},
    batchSize: 128,
  });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({ records, peakRssBytes: process.resourceUsage().maxRSS * 1024, seconds })}\n`,
  );
}

function measure(records: number): { records: number; peakRssBytes: number; seconds: number } {
  const run = spawnSync(process.execPath, [import.meta.filename, '--child', String(records)], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`child for ${records} records failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    records: number;
    peakRssBytes: number;
    seconds: number;
  };
}

if (process.argv[2] === '--child') await child(Number(process.argv[3]));
else {
  const n = Number(process.argv[2] ?? 4000);
  const small = measure(n);
  const large = measure(10 * n);
  const mib = (b: number) => round(b / 2 ** 20, 1);
  recordResult('extract-rss', {
    setup: { model: MODEL, data: 'builtin:shapes', layers: 'blocks (6)', batchSize: 128 },
    n: { records: n, peakRssMiB: mib(small.peakRssBytes), seconds: round(small.seconds, 2) },
    tenN: { records: 10 * n, peakRssMiB: mib(large.peakRssBytes), seconds: round(large.seconds, 2) },
    ratio: round(large.peakRssBytes / small.peakRssBytes, 3),
    target: 'ratio <= 1.2',
  });
}
