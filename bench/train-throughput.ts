/**
 * Head-training throughput in examples × models per second (2 workers, fused logistic-regression
 * heads on one 512-wide layer), against the bound that memory bandwidth puts on reading the features:
 * each epoch every fused group reads every train example once (4·D bytes), so at a read bandwidth BW
 * the throughput cannot exceed BW · (heads per group) / (4·D). BW is measured here, in the same run,
 * as the rate ONNX Runtime sums a 256 MiB float32 array (one thread, and two).
 * Run: npm run build && node dist/bench/train-throughput.js
 */
import { availableParallelism, loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { encodeModel, GraphBuilder } from '../src/core/onnx/index.js';
import { createBenchStore, linearHeads, recordResult } from './train-bench-store.js';
import { round, timedTrain } from './train-timing.js';

const RECORDS = 50_000;
const DIMS = 512;
const EPOCHS = 3;

/** Bytes per second ONNX Runtime reads summing a large array, with `threads` intra-op threads. */
async function readBandwidth(threads: number): Promise<number> {
  const g = new GraphBuilder('bandwidth');
  g.op('ReduceSum', [g.input('x', 'float32', ['N'])], { keepdims: 0 }, 'sum');
  g.output('sum', 'float32', []);
  const session = await ort.InferenceSession.create(
    encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 17 }] }),
    {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    },
  );
  const data = new Float32Array(64 * 2 ** 20).fill(1);
  const feeds = { x: new ort.Tensor('float32', data, [data.length]) };
  let best = Infinity;
  for (let r = 0; r < 8; r++) {
    const started = performance.now();
    await session.run(feeds);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  await session.release();
  return (data.length * 4) / best;
}

/** Multiply-adds per second of one thread on a [256, D] × [D, 160] MatMul (the heads' arithmetic). */
async function matmulRate(): Promise<number> {
  const g = new GraphBuilder('gemm');
  g.op(
    'MatMul',
    [g.input('a', 'float32', [256, DIMS]), g.input('b', 'float32', [DIMS, 160])],
    undefined,
    'c',
  );
  g.output('c', 'float32', [256, 160]);
  const session = await ort.InferenceSession.create(
    encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 17 }] }),
    { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 },
  );
  const feeds = {
    a: new ort.Tensor('float32', new Float32Array(256 * DIMS).fill(0.5), [256, DIMS]),
    b: new ort.Tensor('float32', new Float32Array(DIMS * 160).fill(0.5), [DIMS, 160]),
  };
  let best = Infinity;
  for (let r = 0; r < 50; r++) {
    const started = performance.now();
    await session.run(feeds);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  await session.release();
  return (256 * DIMS * 160) / best;
}

console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (cores: ${availableParallelism()})`,
);
const bandwidth1 = await readBandwidth(1);
const bandwidth2 = await readBandwidth(2);
console.log(
  `read bandwidth: ${(bandwidth1 / 1e9).toFixed(1)} GB/s (1 thread), ${(bandwidth2 / 1e9).toFixed(1)} GB/s (2 threads)`,
);
const macs = await matmulRate();
// a logistic-regression step costs 3·D·C multiply-adds per example and head (logits, weight gradient)
const computeBound = (2 * macs) / (3 * DIMS * 10);
console.log(
  `MatMul: ${(macs / 1e9).toFixed(1)} G multiply-adds/s per thread → arithmetic bound on 2 cores ` +
    `${Math.round(computeBound).toLocaleString('en')} examples×models/s`,
);
const store = createBenchStore({ records: RECORDS, dims: DIMS, classes: 10 });
const trainRows = RECORDS * 0.8;
const rows: Record<string, unknown>[] = [];
try {
  for (const heads of [16, 64]) {
    const run = await timedTrain(
      {
        storeDir: store.dir,
        featureSets: store.featureSets,
        heads: linearHeads(heads),
        epochs: EPOCHS,
        workers: 2,
        seed: 1,
      },
      trainRows,
    );
    const groups = run.outcome.visits[0]!.groups.length;
    const throughput = run.exampleModels / run.epochSeconds;
    const bound = (bandwidth2 * (heads / groups)) / (4 * DIMS);
    console.log(
      `${heads} heads in ${groups} fused groups on 2 workers: ${Math.round(throughput).toLocaleString('en')} examples×models/s; ` +
        `bandwidth bound ${Math.round(bound).toLocaleString('en')} → ${((100 * throughput) / bound).toFixed(1)}% of it; ` +
        `${((100 * throughput) / computeBound).toFixed(0)}% of the arithmetic bound`,
    );
    rows.push({
      heads,
      groups,
      throughput: Math.round(throughput),
      bandwidthBound: Math.round(bound),
      fractionOfBandwidthBound: round(throughput / bound, 4),
      arithmeticBound: Math.round(computeBound),
      fractionOfArithmeticBound: round(throughput / computeBound, 3),
    });
  }
} finally {
  store.remove();
}
console.log(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
recordResult('train-throughput', {
  machine: { cores: availableParallelism(), loadAverage: loadavg() },
  setup: { records: RECORDS, trainRows, dims: DIMS, classes: 10, epochs: EPOCHS, batchSize: 256, workers: 2 },
  readBandwidthBytesPerSecond: { threads1: Math.round(bandwidth1), threads2: Math.round(bandwidth2) },
  matmulMultiplyAddsPerSecondPerThread: Math.round(macs),
  results: rows,
});
