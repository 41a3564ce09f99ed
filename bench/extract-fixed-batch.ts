/**
 * Extraction speed against the simplest thing a user could write instead: one ONNX Runtime run
 * per record, with the same layers added to the model as graph outputs (issue 12, item 13). Both
 * sides read and decode the same records with the same reader and preprocessing; layerlab's side is
 * the real extract path (library function, fresh LMDB store: planning, hashing, pooling, writes),
 * and the CLI is timed once on the same work. Ratio = layerlab seconds ÷ loop seconds (≤ 1 wanted).
 * Models: mnist-8 and cifar10-resnet4b (inputs fixed at batch 1) from the shared assets, and the
 * embedded builtin:shapes-cnn (a symbolic batch). Fashion-MNIST from the shared assets; without
 * the assets only the built-in pair runs.
 *
 *   npm run build && node dist/bench/extract-fixed-batch.js           # 70,000 records per model
 *   node dist/bench/extract-fixed-batch.js --quick                    # the 10,000 test records
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import type { Backbone } from '../src/backbone/backbone.js';
import type { CapturePoint } from '../src/backbone/capture-point.js';
import {
  imageInputDims,
  preprocessImages,
  type ImagePreprocessSpec,
} from '../src/backbone/image-preprocess.js';
import { loadBackbone } from '../src/backbone/load-backbone.js';
import { createOnnxSession, type OnnxModelFile } from '../src/backbone/onnx-model-file.js';
import { selectLayers } from '../src/backbone/select-layers.js';
import { appendToGraph } from '../src/core/onnx/index.js';
import { packageRoot } from '../src/core/paths.js';
import { readIndices } from '../src/data/data-source.js';
import { openDataset } from '../src/data/open-dataset.js';
import { extract } from '../src/extract/extract.js';
import { FASHION_MNIST, recordResult, round, scratch } from './extract-common.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
    only: { type: 'string' },
    'no-cli': { type: 'boolean', default: false },
  },
});
const threads = Number(values.threads);
const assets = join(packageRoot(), '..', 'shared', 'assets', 'models');

interface Case {
  name: string;
  model: string;
  data: string;
  layers: string[];
  /** preprocessing flags, as the CLI takes them */
  flags: string[];
  overrides: Parameters<Backbone['resolvePreprocess']>[0];
}

function cases(): Case[] {
  const data = existsSync(FASHION_MNIST)
    ? values.quick
      ? join(FASHION_MNIST, 't10k-images-idx3-ubyte.gz')
      : FASHION_MNIST
    : 'builtin:shapes';
  const out: Case[] = [];
  const mnist = join(assets, 'mnist-8', 'model.onnx');
  // mnist-8 takes raw 0..255 pixels (its ASSET_INFO.json)
  if (existsSync(mnist) && existsSync(FASHION_MNIST))
    out.push({
      name: 'mnist-8',
      model: mnist,
      data,
      layers: ['all'],
      flags: ['--scale', '1'],
      overrides: { scale: 1 },
    });
  const resnet = join(assets, 'cifar10-resnet4b', 'model.onnx');
  if (existsSync(resnet) && existsSync(FASHION_MNIST))
    out.push({
      name: 'cifar10-resnet4b',
      model: resnet,
      data,
      layers: ['blocks'],
      flags: ['--resize', '32,32'],
      overrides: { resize: [32, 32] },
    });
  out.push({
    name: 'builtin:shapes-cnn (batched)',
    model: 'builtin:shapes-cnn',
    data: existsSync(FASHION_MNIST) ? data : 'builtin:shapes',
    layers: ['blocks'],
    flags: existsSync(FASHION_MNIST) ? ['--resize', '32,32'] : [],
    overrides: existsSync(FASHION_MNIST) ? { resize: [32, 32] } : {},
  });
  return out.filter((c) => !values.only || c.name.includes(values.only));
}

/** The plain loop: read, decode and preprocess the records, then one run per record with the layers as outputs. */
async function plainLoop(
  backbone: Backbone & { file?: OnnxModelFile },
  c: Case,
  points: readonly CapturePoint[],
) {
  const file = backbone.file!;
  const spec = backbone.resolvePreprocess(c.overrides) as ImagePreprocessSpec;
  const names = points.map((p) => p.name);
  const declared = new Set(file.info.graph.outputs.map((o) => o.name));
  const bytes = appendToGraph(file.bytes, {
    outputs: names.filter((n) => !declared.has(n)).map((name) => ({ name })),
  });
  const session = await createOnnxSession(file, bytes, threads);
  const input = backbone.inputs[0]!.name;
  const started = performance.now();
  const dataset = await openDataset(c.data, {});
  let runSeconds = 0;
  let checksum = 0;
  const chunk = 1000;
  for (let start = 0; start < dataset.size; start += chunk) {
    const indices = Array.from({ length: Math.min(chunk, dataset.size - start) }, (_, i) => start + i);
    const records = await readIndices(dataset, indices);
    if (records.kind !== 'image') throw new Error('images expected');
    const pixels = preprocessImages(records, spec);
    const per = pixels.length / records.count;
    const t = performance.now();
    for (let r = 0; r < records.count; r++) {
      const x = new ort.Tensor('float32', pixels.subarray(r * per, (r + 1) * per), imageInputDims(spec, 1));
      const out = await session.run({ [input]: x }, names);
      checksum += (out[names[0]!]!.data as Float32Array)[0]!;
      for (const tensor of Object.values(out)) tensor.dispose();
    }
    runSeconds += (performance.now() - t) / 1000;
  }
  const seconds = (performance.now() - started) / 1000;
  await session.release();
  await dataset.close?.();
  return { seconds, runSeconds, records: dataset.size, checksum };
}

/** The same backbone with the symbolic-batch copy turned off: the record-by-record fallback. */
function perRecordOnly(backbone: Backbone): Backbone {
  const off = Object.create(backbone) as Backbone;
  off.openCapture = (points, pooling, options) =>
    backbone.openCapture(points, pooling, { ...options, symbolicBatch: false });
  return off;
}

async function layerlab(backbone: Backbone, c: Case, points: readonly CapturePoint[]) {
  const storeDir = join(scratch('layerlab-bench-fixed-'), 'store');
  const started = performance.now();
  const dataset = await openDataset(c.data, { cacheDir: scratch('layerlab-bench-fixed-cache-') });
  const result = await extract({
    backbone,
    dataset,
    points,
    pooling: 'mean',
    preprocess: backbone.resolvePreprocess(c.overrides),
    storeDir,
    sink: () => {},
    threads,
  });
  const seconds = (performance.now() - started) / 1000;
  await dataset.close?.();
  return { seconds, batchSize: result.plan.batchSize, records: result.featureSets[0]!.records };
}

function cli(c: Case): number {
  const home = scratch('layerlab-bench-fixed-home-');
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      join(packageRoot(), 'bin', 'layerlab.js'),
      '--home',
      home,
      '--json',
      'extract',
      c.model,
      c.data,
      '--layers',
      c.layers.join(','),
      '--threads',
      String(threads),
      ...c.flags,
    ],
    { encoding: 'utf8', env: { ...process.env, CI: '1' }, maxBuffer: 1 << 28 },
  );
  if (run.status !== 0) throw new Error(`layerlab extract failed: ${run.stderr}`);
  return (performance.now() - started) / 1000;
}

const rows: Record<string, unknown>[] = [];
for (const c of cases()) {
  const backbone = await loadBackbone(c.model);
  const points = selectLayers(backbone.points, c.layers);
  // Interleaved, loop first, so a warm page cache favours neither side.
  const loop = await plainLoop(backbone, c, points);
  const ours = await layerlab(backbone, c, points);
  const fixed = backbone.inputs[0]!.shape[0] === 1;
  const fallback = fixed ? await layerlab(perRecordOnly(backbone), c, points) : undefined;
  const cliSeconds = values['no-cli'] ? undefined : cli(c);
  const row = {
    model: c.name,
    fixedBatch: fixed,
    layers: points.length,
    records: ours.records,
    loopSeconds: round(loop.seconds, 2),
    loopRunSeconds: round(loop.runSeconds, 2),
    layerlabSeconds: round(ours.seconds, 2),
    cliSeconds: cliSeconds === undefined ? undefined : round(cliSeconds, 2),
    batchSize: ours.batchSize,
    ratio: round(ours.seconds / loop.seconds, 2),
    /** the record-by-record fallback (a model whose batch cannot be made symbolic) ÷ the loop */
    perRecordRatio: fallback ? round(fallback.seconds / loop.seconds, 2) : undefined,
    perRecordSeconds: fallback ? round(fallback.seconds, 2) : undefined,
  };
  rows.push(row);
  console.log(
    `${row.model}: layerlab ${row.layerlabSeconds} s (CLI ${row.cliSeconds ?? '-'} s) ÷ per-record loop ${row.loopSeconds} s (ORT runs alone ${row.loopRunSeconds} s) = ${row.ratio}` +
      (fallback ? `; record by record ${row.perRecordSeconds} s, ratio ${row.perRecordRatio}` : ''),
  );
}
recordResult('extract-fixed-batch', { quick: values.quick, threads, cases: rows });
